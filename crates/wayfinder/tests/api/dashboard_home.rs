//! The start page (issue 12, item 1): the setup checklist and the counts that lead to work.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::slot_fixtures::{add_slots, book, raw, setup};
use domain::Role;
use serde_json::json;
use time::format_description::well_known::Rfc3339;

/// The number shown beside a count's label on the start page.
fn figure(html: &str, label: &str) -> i64 {
    let end = html.find(&format!("<span class=\"figure-label\">{label}</span>"));
    let before = &html[..end.unwrap_or_else(|| panic!("no count {label:?} in {html}"))];
    let number = before
        .rsplit("<span class=\"figure-number\">")
        .next()
        .unwrap();
    number.split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_empty_installation_shows_the_setup_checklist_with_nothing_ticked_off() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let html = admin.page("/").await;
    for (step, href) in [
        ("Add a provider", "/providers/new"),
        ("Add categories", "/categories/new"),
        ("Choose the fallback provider", "/providers"),
        ("Add users", "/users/new"),
        ("Add a station", "/stations/new"),
    ] {
        assert!(
            html.contains(&format!("<a href=\"{href}\">{step}</a>")),
            "{step}"
        );
    }
    assert_eq!(html.matches(">To do</strong>").count(), 5, "{html}");
    assert!(!html.contains("figure-label"), "no counts without data");
    assert!(html.contains(r#"<a href="/" aria-current="page">Home</a>"#));
}

#[tokio::test]
async fn the_checklist_ticks_off_each_step_and_goes_once_all_are_done() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let provider = admin.create_provider("Harbour Housing").await;
    let html = admin.page("/").await;
    assert_eq!(html.matches(">Done</strong>").count(), 1, "{html}");
    let (status, _) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Housing", "colour": "#1f5fa8" }),
        )
        .await;
    assert_eq!(status, 201);
    let setting = json!({ "provider_id": provider });
    let (status, _) = admin
        .put("/api/v1/settings/fallback-provider", setting)
        .await;
    assert_eq!(status, 200);
    admin
        .create_user("mia.tran@example.org", "user", &[&provider])
        .await;
    assert_eq!(admin.page("/").await.matches(">Done</strong>").count(), 4);
    let (status, _) = admin
        .post("/api/v1/stations", json!({ "name": "Front desk" }))
        .await;
    assert_eq!(status, 201);
    let html = admin.page("/").await;
    assert!(!html.contains("Set up Wayfinder"), "all done: {html}");
    assert!(html.contains(&format!(
        "<a href=\"/providers/{provider}\">Harbour Housing</a>"
    )));
}

#[tokio::test]
async fn home_counts_invitations_users_without_a_provider_sessions_and_bookings() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let provider = s.provider.as_str();
    s.admin.create_user("old@example.org", "user", &[]).await;
    s.admin.create_user("new@example.org", "user", &[]).await;
    s.admin
        .create_user("mem@example.org", "user", &[provider])
        .await;
    s.admin.create_user("boss@example.org", "admin", &[]).await;
    let lapsed = app.clock_now() - time::Duration::hours(1);
    let lapsed = if app.database.is_postgres() {
        format!("'{}'", lapsed.format(&Rfc3339).unwrap())
    } else {
        (lapsed.unix_timestamp() * 1_000_000).to_string()
    };
    let sql = format!(
        "UPDATE users SET invitation_expires_at = {lapsed} WHERE email = 'old@example.org'"
    );
    assert_eq!(raw(&app, &sql).await.unwrap(), 1);
    let body = json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 30, "count": 2 });
    let slots = add_slots(&s.admin, &s.listing, body).await;
    book(&app, &slots[0], "Jamie Citizen").await;
    // Next month's booking is not in the coming week.
    let later = json!({ "starts_at": "2026-04-03T09:00:00Z", "duration_minutes": 30, "count": 1 });
    let later = add_slots(&s.admin, &s.listing, later).await;
    book(&app, &later[0], "Robin Citizen").await;

    let html = s.admin.page("/").await;
    assert_eq!(figure(&html, "invitations pending"), 3, "new, mem and boss");
    assert_eq!(figure(&html, "invitation expired"), 1);
    assert_eq!(figure(&html, "Users with no provider"), 2, "old and new");
    assert_eq!(figure(&html, "kiosk sessions in the last 30 days"), 2);
    assert_eq!(figure(&html, "booking in the coming 7 days"), 1);
    for href in [
        "/users?status=pending",
        "/users?status=expired",
        "/users?status=no-provider",
        "/reports",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    // The links lead to exactly those people.
    let expired = s.admin.page("/users?status=expired").await;
    assert!(expired.contains("old@example.org") && !expired.contains("new@example.org"));
    let lonely = s.admin.page("/users?status=no-provider").await;
    assert!(lonely.contains("new@example.org") && lonely.contains("old@example.org"));
    assert!(!lonely.contains("mem@example.org") && !lonely.contains("boss@example.org"));
    // A member sees no installation counts.
    assert!(!s.member.page("/").await.contains("figure-label"));
}
