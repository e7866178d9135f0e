//! Issue 12 in a real browser: a notice that names the change shows once (not after a reload)
//! and marks the card, search filters as you type, and the error summary takes focus and links
//! to its fields; axe-core on each page at desktop and phone width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::TestApp;
use domain::{Role, Viewer};
use serde_json::Value;
use std::time::{Duration, Instant};
use wayfinder::service::providers::{self, ProviderInput};
use wayfinder::service::users::{self, NewUser};

async fn add_provider(app: &TestApp, name: &str) {
    let input = ProviderInput {
        name: Some(name.into()),
        ..ProviderInput::default()
    };
    providers::create(&app.state, &Viewer::cli(), &input)
        .await
        .expect("create a provider");
}

async fn add_user(app: &TestApp, first_name: &str, last_name: &str, email: &str) {
    let input = NewUser {
        first_name: first_name.into(),
        last_name: last_name.into(),
        email: email.into(),
        role: "user".into(),
        provider_ids: Vec::new(),
        can_download_reports: false,
    };
    users::create(&app.state, &Viewer::cli(), &input)
        .await
        .expect("create a user");
}

async fn admin_browser(app: &TestApp) -> Browser {
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, app, "ann@example.org").await;
    browser
}

/// Runs a script in the page and returns its answer.
async fn script(browser: &Browser, source: &str) -> Value {
    browser
        .client
        .execute(source, Vec::new())
        .await
        .expect("run a script")
}

/// Waits until the script's answer is `expected`.
async fn wait_until(browser: &Browser, source: &str, expected: Value) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = script(browser, source).await;
        if answer == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{source} answered {answer}, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_notice_names_the_change_marks_the_card_and_is_gone_after_a_reload() {
    let app = TestApp::spawn().await;
    add_provider(&app, "Harbour Legal").await;
    let browser = admin_browser(&app).await;

    browser.goto(&app.url("/users/new")).await;
    browser.fill("First name", "Mia").await;
    browser.fill("Last name", "Tran").await;
    browser.fill("Email address", "mia.tran@example.org").await;
    browser.tick("User").await;
    browser.tick("Harbour Legal").await;
    browser.press("Save").await;
    browser
        .wait_for_text(
            "p.notice",
            "Mia Tran was added. An invitation is on its way to mia.tran@example.org.",
        )
        .await;
    let marked = browser.text("li.card.changed .card-title").await;
    check_page(&browser, "the Users grid with a notice").await;
    browser.client.refresh().await.expect("reload");
    browser.wait_for_text("h1", "Users").await;

    assert_eq!(marked, "Mia Tran");
    assert!(browser.texts("p.notice").await.is_empty(), "shown once");
    assert!(browser.texts("li.card.changed").await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn search_filters_users_and_providers_as_you_type() {
    let app = TestApp::spawn().await;
    add_user(&app, "Mia", "Tran", "mia.tran@example.org").await;
    add_user(&app, "Taylor", "Smith", "taylor@example.org").await;
    add_provider(&app, "Harbour Legal").await;
    add_provider(&app, "Northside Housing").await;
    let browser = admin_browser(&app).await;

    browser.goto(&app.url("/users")).await;
    browser.wait_for_text("p.count", "3 users").await;
    browser.fill("Name or email", "tayl").await;
    browser.wait_for_text("p.count", "1 user").await;
    let shown = browser.texts("li.card .card-title").await;
    let address = browser.client.current_url().await.expect("url");
    check_page(&browser, "the Users grid filtered as typed").await;
    browser.goto(&app.url("/providers")).await;
    browser.fill("Provider name", "north").await;
    browser.wait_for_text("p.count", "1 provider").await;
    let providers = browser.texts("li.card .card-title").await;
    check_page(&browser, "the Providers grid filtered as typed").await;

    assert_eq!(shown, ["Taylor Smith"]);
    assert_eq!(
        address.query(),
        Some("q=tayl&role=&status=&provider=&sort=name")
    );
    assert_eq!(providers, ["Northside Housing"]);
    browser.close().await;
}

#[tokio::test]
async fn the_error_summary_takes_focus_links_to_its_fields_and_titles_the_page() {
    let app = TestApp::spawn().await;
    add_provider(&app, "Harbour Legal").await;
    let browser = admin_browser(&app).await;

    browser.goto(&app.url("/users/new")).await;
    browser.tick("Admin").await;
    let disabled_for_admin = script(
        &browser,
        "return document.getElementById('provider_ids').disabled",
    )
    .await;
    browser.tick("User").await;
    browser.press("Save").await;
    browser
        .wait_for_text(".error-summary h2", "There is a problem")
        .await;
    let focused = script(&browser, "return document.activeElement.className").await;
    let title = browser.client.title().await.expect("title");
    let links = browser.texts(".error-summary a").await;
    check_page(&browser, "the Add User form with errors").await;
    browser
        .client
        .find(fantoccini::Locator::Css(".error-summary a"))
        .await
        .expect("a link")
        .click()
        .await
        .expect("click");
    wait_until(
        &browser,
        "return document.activeElement.id",
        Value::from("first_name"),
    )
    .await;

    assert_eq!(disabled_for_admin, Value::Bool(true));
    assert_eq!(focused, Value::from("error-summary"));
    assert!(title.starts_with("Error: Add User"), "{title}");
    assert!(links.len() >= 3, "{links:?}");
    browser.fill("First name", "Ann").await;
    browser.fill("Last name", "Again").await;
    browser.fill("Email address", "ann@example.org").await;
    browser.press("Save").await;
    let summary = browser
        .wait_for_text(".error-summary", "There is a problem")
        .await;
    assert!(summary.contains("already"), "{summary}");
    browser.close().await;
}

#[tokio::test]
async fn the_member_picker_finds_people_as_you_type_and_passes_axe() {
    let app = TestApp::spawn().await;
    add_provider(&app, "Harbour Legal").await;
    add_user(&app, "Mia", "Tran", "mia.tran@example.org").await;
    add_user(&app, "Taylor", "Smith", "taylor@example.org").await;
    let browser = admin_browser(&app).await;

    browser.goto(&app.url("/providers")).await;
    browser.follow("Harbour Legal").await;
    browser.follow("Members").await;
    browser
        .wait_for_text("#candidates", "2 people can be added.")
        .await;
    check_page(&browser, "the Members tab with the picker").await;
    browser.fill("Find a person by name or email", "mia").await;
    browser
        .wait_for_text("#candidates", "1 person can be added.")
        .await;
    browser.tick("Mia Tran mia.tran@example.org").await;
    browser.press("Add Member").await;
    browser
        .wait_for_text("p.notice", "Mia Tran was added to Harbour Legal.")
        .await;
    let marked = browser.text("tr.changed td").await;
    check_page(&browser, "the Members tab after adding").await;

    assert_eq!(marked, "Mia Tran");
    browser.close().await;
}
