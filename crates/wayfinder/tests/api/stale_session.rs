//! A session cookie that names no live session is no cookie (issue 8): the sign-in forms and the
//! sign-in API accept the browser again, the answer clears the cookie, and a person sent to the
//! sign-in page is told that their session ended.

use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use reqwest::header::{HeaderMap, HeaderValue};
use time::Duration;

const ANN: &str = "ann@example.org";

/// A browser whose cookies the test sends by hand, so that a stale one can be replayed.
fn browser(app: &TestApp) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    let origin = HeaderValue::from_str(&app.state.config.origin).unwrap();
    headers.insert("origin", origin);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The `Set-Cookie` header of `response` for cookie `name`, if it sets one.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn clears_session(response: &reqwest::Response) -> bool {
    set_cookie(response, "wayfinder_session")
        .is_some_and(|c| c.starts_with("wayfinder_session=;") && c.contains("Max-Age=0"))
}

fn cookie_value(header: &str) -> String {
    let pair = header.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

/// Creates `email` and signs it in through the API; returns the session cookie's value.
async fn signed_in_cookie(app: &TestApp, email: &str) -> String {
    signed_in_user(app, email).await.1
}

async fn signed_in_user(app: &TestApp, email: &str) -> (domain::User, String) {
    let user = app.create_user(email, Role::User).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, email).await;
    let verified = client
        .post(app.url("/api/v1/auth/verify"))
        .json(&serde_json::json!({ "email": email, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let cookie = cookie_value(&set_cookie(&verified, "wayfinder_session").unwrap());
    (user, cookie)
}

async fn form_sign_in(app: &TestApp, stale: &str) -> reqwest::Response {
    browser(app)
        .post(app.url("/sign-in"))
        .header("cookie", format!("wayfinder_session={stale}"))
        .form(&[("email", ANN)])
        .send()
        .await
        .unwrap()
}

async fn api_sign_in(app: &TestApp, stale: &str) -> reqwest::Response {
    browser(app)
        .post(app.url("/api/v1/auth/sign-in"))
        .header("cookie", format!("wayfinder_session={stale}"))
        .json(&serde_json::json!({ "email": ANN }))
        .send()
        .await
        .unwrap()
}

async fn me(app: &TestApp, session: &str) -> u16 {
    browser(app)
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("wayfinder_session={session}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn after_the_idle_timeout_the_browser_can_sign_in_again_and_its_stale_cookie_is_cleared() {
    let app = TestApp::spawn().await;
    let stale = signed_in_cookie(&app, ANN).await;
    app.clock
        .advance(Duration::minutes(30) + Duration::seconds(1));
    let sent_before = app.emails_to(ANN).len();

    let form = form_sign_in(&app, &stale).await;

    assert_eq!(form.status(), 303, "not refused by the CSRF guard");
    assert!(clears_session(&form), "{:?}", form.headers());
    let location = form.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/sign-in/code?"), "{location}");
    let pending = cookie_value(&set_cookie(&form, "wayfinder_pending").unwrap());
    let (code, _) = secrets_in(&app.wait_for_email(ANN, sent_before + 1).await);

    let verified = browser(&app)
        .post(app.url("/sign-in/code"))
        .header(
            "cookie",
            format!("wayfinder_session={stale}; wayfinder_pending={pending}"),
        )
        .form(&[("email", ANN), ("code", code.as_str())])
        .send()
        .await
        .unwrap();

    assert_eq!(verified.status(), 303);
    assert_eq!(verified.headers()["location"], "/");
    let fresh = set_cookie(&verified, "wayfinder_session").expect("a new session cookie");
    assert!(
        !clears_session(&verified),
        "the new session is not cleared: {fresh}"
    );
    assert_eq!(me(&app, &cookie_value(&fresh)).await, 200);

    app.clock.advance(Duration::seconds(61));
    let api = api_sign_in(&app, &stale).await;
    assert_eq!(api.status(), 202);
    assert!(clears_session(&api), "{:?}", api.headers());
}

#[tokio::test]
async fn after_the_account_is_deleted_its_browser_can_use_the_sign_in_forms_again() {
    let app = TestApp::spawn().await;
    let (ann, stale) = signed_in_user(&app, ANN).await;
    wayfinder::service::users::delete(&app.state, &domain::Viewer::cli(), ann.id)
        .await
        .unwrap();

    // A minute apart, as the sign-in limits want.
    app.clock.advance(Duration::seconds(61));
    let form = form_sign_in(&app, &stale).await;
    app.clock.advance(Duration::seconds(61));
    let api = api_sign_in(&app, &stale).await;
    let code = browser(&app)
        .post(app.url("/sign-in/code"))
        .header("cookie", format!("wayfinder_session={stale}"))
        .form(&[("email", ANN), ("code", "123456")])
        .send()
        .await
        .unwrap();

    assert_eq!(form.status(), 303);
    assert_eq!(api.status(), 202);
    assert_eq!(code.status(), 400, "a wrong code, not a CSRF refusal");
    for response in [&form, &api, &code] {
        assert!(clears_session(response), "{:?}", response.headers());
    }
}

#[tokio::test]
async fn a_page_request_with_an_ended_session_goes_to_sign_in_which_says_so() {
    let app = TestApp::spawn().await;
    let stale = signed_in_cookie(&app, ANN).await;
    app.clock
        .advance(Duration::minutes(30) + Duration::seconds(1));

    let home = browser(&app)
        .get(app.url("/"))
        .header("cookie", format!("wayfinder_session={stale}"))
        .send()
        .await
        .unwrap();

    assert_eq!(home.status(), 303);
    assert!(clears_session(&home));
    let location = home.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/sign-in?session=ended");
    let page = browser(&app).get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Your session ended, so you were signed out. Please sign in again"),
        "{html}"
    );
    let plain = browser(&app).get(app.url("/sign-in")).send().await.unwrap();
    assert!(!plain.text().await.unwrap().contains("Your session ended"));
}

#[tokio::test]
async fn a_cookie_that_never_named_a_session_is_treated_as_none_and_cleared() {
    let app = TestApp::spawn().await;
    app.create_user(ANN, Role::User).await;

    let api = api_sign_in(&app, "garbage").await;
    let me = browser(&app)
        .get(app.url("/api/v1/me"))
        .header("cookie", "wayfinder_session=garbage")
        .send()
        .await
        .unwrap();

    assert_eq!(api.status(), 202);
    assert_eq!(me.status(), 401);
    assert!(clears_session(&api) && clears_session(&me));
}

#[tokio::test]
async fn a_live_session_still_needs_its_csrf_token_on_the_sign_in_form() {
    let app = TestApp::spawn().await;
    let live = signed_in_cookie(&app, ANN).await;

    let form = form_sign_in(&app, &live).await;

    assert_eq!(form.status(), 403);
    assert!(set_cookie(&form, "wayfinder_session").is_none());
    assert_eq!(me(&app, &live).await, 200);
}
