//! The Audit and Reports filter forms follow the error-summary pattern of every other form
//! (issue 12 item 7): "Error: " in the title, a summary whose items link to their fields, and
//! each message between its label and its control.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;

/// The status and HTML of a page.
async fn fetch(api: &Api<'_>, path: &str) -> (u16, String) {
    let response = api.client.get(api.app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The error summary's markup: from its box to the filter form.
fn summary(page: &str) -> &str {
    let start = page
        .find("class=\"error-summary\"")
        .expect("an error summary");
    let end = page[start..].find("<form").expect("the form after it") + start;
    &page[start..end]
}

/// Whether the field's message sits after its label and before its control.
fn message_precedes_control(page: &str, field: &str) -> bool {
    let label = page.find(&format!("<label for=\"{field}\">"));
    let message = page.find(&format!("id=\"{field}-error\""));
    let control = page.find(&format!("id=\"{field}\" name=\"{field}\""));
    matches!((label, message, control), (Some(l), Some(m), Some(c)) if l < m && m < c)
}

#[tokio::test]
async fn a_bad_audit_filter_is_summarised_at_the_top_with_links_to_its_fields() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (status, page) = fetch(
        &admin,
        "/audit?action=nonsense&from=2026-03-05&to=2026-03-01",
    )
    .await;
    let (good_status, good) = fetch(&admin, "/audit").await;

    assert_eq!(status, 422, "{page}");
    assert!(page.contains("<title>Error: Audit"), "{page}");
    let summary = summary(&page);
    assert!(summary.contains("There is a problem"), "{summary}");
    let action = summary
        .find("<a href=\"#action\">Choose an action")
        .expect("action linked");
    let to = summary
        .find("<a href=\"#to\">The end date")
        .expect("end date linked");
    assert!(action < to, "in the form's order: {summary}");
    assert!(message_precedes_control(&page, "action"), "{page}");
    assert!(message_precedes_control(&page, "to"), "{page}");
    assert_eq!(good_status, 200);
    assert!(
        !good.contains("error-summary") && good.contains("<title>Audit"),
        "{good}"
    );
}

#[tokio::test]
async fn a_bad_report_range_is_summarised_at_the_top_with_a_link_to_its_field() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (status, page) = fetch(&admin, "/reports?from=2026-03-05&to=2026-03-01").await;
    let (download_status, download) =
        fetch(&admin, "/reports/sessions.csv?from=not-a-date&to=").await;

    assert_eq!(status, 422, "{page}");
    assert!(page.contains("<title>Error: Reports"), "{page}");
    let summary = summary(&page);
    assert!(summary.contains("<a href=\"#to\">"), "{summary}");
    assert!(
        !page.contains("Some fields need attention"),
        "the old alert is gone"
    );
    assert!(message_precedes_control(&page, "to"), "{page}");
    assert_eq!(download_status, 422, "{download}");
    assert!(
        self::summary(&download).contains("<a href=\"#from\">"),
        "{download}"
    );
}
