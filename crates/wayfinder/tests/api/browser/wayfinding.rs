//! The start page, the error pages inside the layout and the way back to the first-asked page,
//! in a real browser (issue 12, items 1, 2, 3 and 8); axe-core on each at desktop and phone
//! width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::{TestApp, secrets_in};
use domain::Role;

#[tokio::test]
async fn the_setup_checklist_ticks_itself_off_as_an_admin_adds_things() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "ann@example.org").await;
    browser
        .wait_for_text("h2#setup-heading", "Set up Wayfinder")
        .await;
    assert!(browser.texts(".step-done a").await.is_empty());
    check_page(&browser, "the setup checklist").await;

    browser.follow("Add a provider").await;
    browser.wait_for_path("/providers/new").await;
    assert_eq!(
        browser.texts(".breadcrumbs li").await,
        ["Providers", "Add Provider"]
    );
    check_page(&browser, "Add Provider with its breadcrumbs").await;
    browser.fill("Name", "Harbour Housing").await;
    browser.press("Save").await;
    browser.wait_for_text("h1", "Harbour Housing").await;
    browser.follow("Home").await;
    browser.wait_for_path("/").await;
    assert_eq!(browser.texts(".step-done a").await, ["Add a provider"]);

    browser.follow("Add categories").await;
    browser.wait_for_path("/categories/new").await;
    browser.fill("Name", "Housing").await;
    browser.press("Save").await;
    browser.wait_for_path("/categories").await;
    browser.follow("Home").await;
    browser.wait_for_path("/").await;
    assert_eq!(
        browser.texts(".step-done a").await,
        ["Add a provider", "Add categories"]
    );
    assert_eq!(browser.texts(".step:not(.step-done) .tag").await.len(), 3);
    check_page(&browser, "home with the checklist half done and counts").await;

    // A provider card leads to the provider, whose members page has its breadcrumbs.
    browser.follow("Harbour Housing").await;
    browser.wait_for_text("h1", "Harbour Housing").await;
    browser.follow("Members").await;
    browser.wait_for_path_ending("/members").await;
    assert_eq!(
        browser.texts(".breadcrumbs li").await,
        ["Providers", "Harbour Housing", "Members"]
    );
    check_page(&browser, "a provider's members with breadcrumbs").await;
    browser.close().await;
}

#[tokio::test]
async fn errors_and_the_audit_log_read_plainly_inside_the_layout() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "ann@example.org").await;

    browser.goto(&app.url("/no-such-page")).await;
    browser.wait_for_text("h1", "Page not found").await;
    assert!(
        browser
            .texts("nav.sidebar a")
            .await
            .contains(&"Audit".to_owned())
    );
    check_page(&browser, "a signed-in 404").await;

    browser.goto(&app.url("/users?page=abc")).await;
    let message = browser.text("main p").await;
    assert!(message.contains("\u{201c}page\u{201d}"), "{message}");
    check_page(&browser, "a bad query inside the layout").await;

    browser.goto(&app.url("/audit")).await;
    browser.wait_for_text("h1", "Audit log").await;
    let rows = browser.texts("tbody td").await;
    assert!(
        rows.iter().any(|r| r == "Test Admin signed in with a link"),
        "{rows:?}"
    );
    check_page(&browser, "the audit log in sentences").await;
    browser.close().await;
}

#[tokio::test]
async fn sign_in_returns_to_the_page_first_asked_for_and_sign_out_says_so() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;

    browser.goto(&app.url("/users?status=pending")).await;
    browser.wait_for_path("/sign-in").await;
    browser.fill("Email address", "ann@example.org").await;
    browser.press("Send me a sign-in code").await;
    browser.wait_for_path("/sign-in/code").await;
    let (code, _) = secrets_in(&app.wait_for_email("ann@example.org", 2).await);
    browser.fill("6-digit code", &code).await;
    browser.press("Sign in").await;

    let landed = browser.wait_for_path("/users").await;
    assert_eq!(landed.query(), Some("status=pending"));
    check_page(&browser, "the Users page filtered by status").await;

    browser.press("Sign out").await;
    browser.wait_for_path("/sign-in").await;
    browser
        .wait_for_text("p.notice", "You have signed out.")
        .await;
    check_page(&browser, "the sign-in page after sign-out").await;
    browser.close().await;
}
