//! Times for people follow the configured time zone (`WAYFINDER_TIMEZONE`), in pages and in
//! emails alike; storage and the API stay in UTC.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use std::sync::Arc;
use wayfinder::mail::transport::Memory;

#[tokio::test]
async fn the_invitation_and_the_users_page_show_its_expiry_in_the_configured_time_zone() {
    let memory = Memory::default();
    let mut app = TestApp::spawn_configured(Arc::new(memory.clone()), |config| {
        config.timezone = jiff::tz::TimeZone::get("Australia/Sydney").expect("zone");
    })
    .await;
    app.mail = memory;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    admin.create_user("ann@example.org", "user", &[]).await;

    // Invited at 09:00 UTC on 2 March, for 72 hours: 20:00 in Sydney (UTC+11) on 5 March.
    let mail = app.wait_for_email("ann@example.org", 1).await;
    assert!(
        mail.text.contains("5 March 2026, 20:00 AEDT"),
        "{}",
        mail.text
    );
    let page = admin.page("/users").await;
    assert!(
        page.contains("Invitation pending</span>")
            && page.contains("title=\"Expires 5 March 2026, 20:00 AEDT\">Expires 5 Mar 2026<"),
        "{page}"
    );
    let (_, view) = admin.get("/api/v1/users?q=ann").await;
    assert_eq!(
        view["items"][0]["invitation_expires_at"],
        "2026-03-05T09:00:00Z"
    );
}
