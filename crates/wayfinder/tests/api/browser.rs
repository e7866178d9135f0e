//! The main journeys in a real browser (headless Chromium through chromedriver), and the
//! accessibility and phone-width check of every page (SPEC §4, §14).

mod axe;
mod dashboard;
mod driver;
mod journeys;
mod keyboard;
mod kiosk;
mod kiosk_plan;
mod listings;
mod phone;
mod slots;
mod stations;
mod wayfinding;

use crate::helpers::{TestApp, secrets_in};
use axe::check_page;
use domain::Role;
use driver::Browser;

/// The magic link in the last email that `to` received.
fn link_in_last_email(app: &TestApp, to: &str) -> String {
    let mail = app.emails_to(to).pop().expect("an email");
    let (_, token) = secrets_in(&mail);
    app.url(&format!("/sign-in/link?token={token}"))
}

/// Signs the browser in as `email` by the link in their last email.
async fn sign_in_by_link(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&link_in_last_email(app, email)).await;
    browser.press("Sign in").await;
    browser.wait_for_path("/").await;
}

#[tokio::test]
async fn a_person_signs_in_by_code_in_the_browser() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;

    browser.goto(&app.url("/sign-in")).await;
    browser.fill("Email address", "ann@example.org").await;
    browser.press("Send me a sign-in code").await;
    let landed = browser.wait_for_path("/sign-in/code").await;
    let mail = app.wait_for_email("ann@example.org", 2).await;
    let (code, _) = secrets_in(&mail);
    browser.fill("6-digit code", &code).await;
    browser.press("Sign in").await;

    browser.wait_for_path("/").await;
    assert!(landed.query().is_some_and(|q| q.contains("sent=1")));
    assert_eq!(browser.text("h1").await, "Welcome, Test");
    assert_eq!(
        browser.texts("nav.sidebar a").await,
        [
            "Home",
            "Providers",
            "Categories",
            "Users",
            "Reports",
            "Stations",
            "Audit"
        ]
    );
    browser.close().await;
}

#[tokio::test]
async fn a_person_signs_in_by_the_magic_link_after_confirming() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    app.request_code(&app.client(), "ann@example.org").await;
    let link = link_in_last_email(&app, "ann@example.org");
    let browser = Browser::open().await;

    browser.goto(&link).await;
    browser.goto(&link).await;
    let confirm_heading = browser.text("h1").await;
    browser.press("Sign in").await;

    assert_eq!(
        confirm_heading, "Sign in to Wayfinder",
        "a GET consumed the link"
    );
    browser.wait_for_path("/").await;
    assert_eq!(browser.text("h1").await, "Welcome, Test");
    browser.goto(&link).await;
    assert_eq!(browser.text("h1").await, "This sign-in link cannot be used");
    browser.close().await;
}

#[tokio::test]
async fn a_user_with_no_provider_is_told_which_administrator_to_ask() {
    let app = TestApp::spawn().await;
    app.create_user("ada@example.org", Role::Admin).await;
    app.create_user("uma@example.org", Role::User).await;
    let browser = Browser::open().await;

    sign_in_by_link(&browser, &app, "uma@example.org").await;

    let notice = browser.text("section.empty-state").await;
    assert!(
        notice.contains("No provider is assigned to you yet"),
        "{notice}"
    );
    assert!(notice.contains("Test Admin — ada@example.org"), "{notice}");
    assert_eq!(browser.texts("nav.sidebar a").await, ["Home", "Providers"]);
    browser.close().await;
}

#[tokio::test]
async fn every_page_passes_axe_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    let setup_token = wayfinder::service::setup::issue_link_if_needed(&app.state)
        .await
        .expect("setup link")
        .expect("no administrator yet");
    let browser = Browser::open().await;

    browser
        .goto(&app.url(&format!("/setup?token={setup_token}")))
        .await;
    check_page(&browser, "the setup page").await;

    app.create_user("ann@example.org", Role::Admin).await;
    app.create_user("uma@example.org", Role::User).await;
    browser.goto(&app.url("/sign-in")).await;
    check_page(&browser, "the sign-in page").await;

    browser.fill("Email address", "not an email").await;
    browser.press("Send me a sign-in code").await;
    assert!(!browser.text("#email-error").await.is_empty());
    check_page(&browser, "the sign-in page with a field error").await;

    browser.fill("Email address", "ann@example.org").await;
    browser.press("Send me a sign-in code").await;
    browser.wait_for_path("/sign-in/code").await;
    check_page(&browser, "the code page").await;

    app.wait_for_email("ann@example.org", 2).await;
    let link = link_in_last_email(&app, "ann@example.org");
    browser.goto(&link).await;
    check_page(&browser, "the link confirm page").await;

    browser.press("Sign in").await;
    browser.wait_for_path("/").await;
    check_page(&browser, "the administrator's dashboard").await;

    browser.goto(&link).await;
    check_page(&browser, "the used-link page").await;

    browser.goto(&app.url("/")).await;
    browser.press("Sign out").await;
    browser.wait_for_path("/sign-in").await;
    sign_in_by_link(&browser, &app, "uma@example.org").await;
    check_page(&browser, "a user's page with no provider").await;
    browser.close().await;
}

/// Sign-in pages are sent with `Referrer-Policy: no-referrer`, so a browser posts their forms
/// with `Origin: null`; its `Sec-Fetch-Site` header, which no page can set, vouches for them.
#[tokio::test]
async fn a_null_origin_post_is_accepted_only_from_the_same_origin() {
    let app = TestApp::spawn().await;
    let post = |fetch_site: &'static str| {
        reqwest::Client::new()
            .post(app.url("/sign-in"))
            .header("origin", "null")
            .header("sec-fetch-site", fetch_site)
            .form(&[("email", "ann@example.org")])
            .send()
    };

    let ours = post("same-origin").await.expect("post");
    let theirs = post("cross-site").await.expect("post");

    assert_eq!(ours.status(), 200, "followed to the code page");
    assert!(ours.url().path().starts_with("/sign-in/code"));
    assert_eq!(theirs.status(), 403);
}
