//! The one-time notice cookie is read only when it is this installation's, intact, meant as a
//! notice and not past its minute; anything else is ignored: no notice, no error, the page as
//! usual (issue 12 item 5). The requests carry their cookies in an explicit `Cookie` header,
//! so each test decides exactly what the server is sent.

use crate::helpers::TestApp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::Role;
use reqwest::header::{HeaderMap, HeaderValue};
use time::Duration;

/// A browser without a cookie jar: every cookie is the test's own `Cookie` header.
fn bare_client(app: &TestApp) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    let origin = HeaderValue::from_str(&app.state.config.origin).unwrap();
    headers.insert("origin", origin);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The value `response` sets for the cookie `name`, if it sets one.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .cookies()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Signs an administrator in by code; returns the session cookie's value and the CSRF token.
/// (Signing in itself needs the jar: the code is bound to the browser that asked for it.)
async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    app.create_user(email, Role::Admin).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, email).await;
    let verified = client
        .post(app.url("/api/v1/auth/verify"))
        .json(&serde_json::json!({ "email": email, "code": code }))
        .send()
        .await
        .unwrap();
    let session = set_cookie(&verified, "wayfinder_session").expect("a session cookie");
    let body: serde_json::Value = verified.json().await.unwrap();
    (session, body["csrf_token"].as_str().unwrap().to_owned())
}

/// Adds a category through the page form; returns the notice cookie its redirect sets.
async fn genuine_notice(app: &TestApp, session: &str, csrf: &str, name: &str) -> String {
    let response = bare_client(app)
        .post(app.url("/categories"))
        .header("cookie", format!("wayfinder_session={session}"))
        .form(&[("csrf_token", csrf), ("name", name), ("colour", "#1d70b8")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    set_cookie(&response, "wayfinder_flash").expect("a notice cookie")
}

/// The Categories page sent with the session and `notice` as the notice cookie: its status,
/// whether it clears the notice cookie, and its HTML.
async fn categories_with(app: &TestApp, session: &str, notice: &str) -> (u16, bool, String) {
    let response = bare_client(app)
        .get(app.url("/categories"))
        .header(
            "cookie",
            format!("wayfinder_session={session}; wayfinder_flash={notice}"),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cleared = set_cookie(&response, "wayfinder_flash").is_some_and(|v| v.is_empty());
    (status, cleared, response.text().await.unwrap())
}

/// Asserts the page is the ordinary Categories page, without a notice or an error.
fn assert_ignored(case: &str, (status, cleared, page): (u16, bool, String)) {
    assert_eq!(status, 200, "{case}: {page}");
    assert!(!page.contains("class=\"notice\""), "{case}: {page}");
    assert!(!page.contains("was added"), "{case}: {page}");
    assert!(!page.contains("There is a problem"), "{case}: {page}");
    assert!(page.contains("<h1>Categories</h1>"), "{case}: {page}");
    assert!(cleared, "{case}: the unreadable cookie is dropped");
}

/// `text` sealed with this installation's key, in the notice cookie's encoding.
fn sealed(app: &TestApp, text: &str) -> String {
    URL_SAFE_NO_PAD.encode(app.state.keys.seal(text.as_bytes()))
}

#[tokio::test]
async fn a_tampered_or_foreign_notice_cookie_is_ignored_and_the_page_shows_as_usual() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    let (session, csrf) = sign_in(&app, "admin@example.org").await;
    let (other_session, other_csrf) = sign_in(&other, "admin@example.org").await;
    let genuine = genuine_notice(&app, &session, &csrf, "Housing").await;
    let from_elsewhere = genuine_notice(&other, &other_session, &other_csrf, "Food").await;
    let expires = app.clock_now().unix_timestamp() + 60;

    let shown = categories_with(&app, &session, &genuine).await;
    let mut bytes = URL_SAFE_NO_PAD.decode(&genuine).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let cases = [
        ("a flipped bit", URL_SAFE_NO_PAD.encode(&bytes)),
        ("cut short", genuine[..genuine.len() - 4].to_owned()),
        ("not base64", "%%%not-a-notice".to_owned()),
        ("another installation's", from_elsewhere),
        (
            "sealed for another purpose",
            sealed(
                &app,
                &format!("wayfinder/other\n{expires}\n\nForged was added."),
            ),
        ),
        (
            "without an expiry",
            sealed(&app, "wayfinder/flash\nsoon\n\nForged was added."),
        ),
    ];

    let (status, _, page) = shown;
    assert_eq!(status, 200);
    assert!(
        page.contains("Housing was added."),
        "the genuine one shows: {page}"
    );
    for (case, value) in cases {
        assert_ignored(case, categories_with(&app, &session, &value).await);
    }
}

#[tokio::test]
async fn a_notice_cookie_past_its_minute_is_ignored_and_the_page_shows_as_usual() {
    let app = TestApp::spawn().await;
    let (session, csrf) = sign_in(&app, "admin@example.org").await;
    let genuine = genuine_notice(&app, &session, &csrf, "Housing").await;

    app.clock.advance(Duration::seconds(59));
    let (status, _, in_time) = categories_with(&app, &session, &genuine).await;
    app.clock.advance(Duration::seconds(2));
    let late = categories_with(&app, &session, &genuine).await;

    assert_eq!(status, 200);
    assert!(in_time.contains("Housing was added."), "{in_time}");
    assert_ignored("expired", late);
}
