//! Sessions and the cross-site request guard, SPEC §5.

use crate::helpers::{TestApp, test_config};
use domain::Role;
use time::Duration;

async fn me(app: &TestApp, client: &reqwest::Client) -> u16 {
    client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .cookies()
        .find(|c| c.name() == "wayfinder_session")
        .map(|c| c.value().to_owned())
        .expect("a session cookie")
}

/// Signs in a fresh browser by code; returns it with the verify response (cookie and CSRF token).
async fn sign_in_by_code(app: &TestApp, email: &str) -> (reqwest::Client, reqwest::Response) {
    let client = app.client();
    let (code, _) = app.request_code(&client, email).await;
    let verified = client
        .post(app.url("/api/v1/auth/verify"))
        .json(&serde_json::json!({ "email": email, "code": code }))
        .send()
        .await
        .unwrap();
    (client, verified)
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = TestApp::spawn().await;
    let (client, _) = app.sign_in_as("ann@example.org", Role::User).await;

    app.clock.advance(Duration::minutes(29));
    assert_eq!(me(&app, &client).await, 200, "activity keeps it alive");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(me(&app, &client).await, 200);
    app.clock
        .advance(Duration::minutes(30) + Duration::seconds(1));

    assert_eq!(me(&app, &client).await, 401);
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_sign_in_however_active() {
    let app = TestApp::spawn().await;
    let (client, _) = app.sign_in_as("ann@example.org", Role::User).await;

    for _ in 0..(12 * 3 - 1) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(me(&app, &client).await, 200);
    }
    app.clock.advance(Duration::minutes(20));

    assert_eq!(me(&app, &client).await, 401);
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (client, verified) = sign_in_by_code(&app, "ann@example.org").await;
    let stolen = session_cookie(&verified);
    let body: serde_json::Value = verified.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap();

    let out = client
        .post(app.url("/api/v1/auth/sign-out"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();

    assert_eq!(out.status(), 204);
    assert_eq!(me(&app, &client).await, 401);
    let replay = app
        .client()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("wayfinder_session={stolen}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401, "the old cookie is dead on the server");
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id_with_safe_cookie_flags() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (_, response) = sign_in_by_code(&app, "ann@example.org").await;
        let header = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("wayfinder_session="))
            .unwrap();
        assert!(header.contains("HttpOnly"), "{header}");
        assert!(header.contains("SameSite=Lax"), "{header}");
        assert!(header.contains("Path=/"), "{header}");
        ids.push(session_cookie(&response));
        app.clock.advance(Duration::seconds(61));
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn on_https_cookies_are_secure_with_the_host_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config("https://wayfinder.example.org", dir.path());
    config.https = true;
    let session = wayfinder::auth::session_cookie(&config, "t".into()).to_string();
    let pending = wayfinder::auth::pending_cookie(&config, "n".into()).to_string();
    for cookie in [session, pending] {
        assert!(cookie.starts_with("__Host-"), "{cookie}");
        assert!(cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
    }
}

#[tokio::test]
async fn state_changes_need_the_csrf_token_and_a_matching_origin() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.sign_in_as("ann@example.org", Role::User).await;
    let sign_out = || client.post(app.url("/api/v1/auth/sign-out"));

    let missing_token = sign_out().send().await.unwrap();
    let wrong_token = sign_out()
        .header("x-csrf-token", "x".repeat(43))
        .send()
        .await
        .unwrap();
    let foreign = sign_out()
        .header("x-csrf-token", &csrf)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    let form_without_token = client
        .post(app.url("/sign-out"))
        .form(&[("a", "b")])
        .send()
        .await
        .unwrap();

    for response in [missing_token, wrong_token, foreign, form_without_token] {
        assert_eq!(response.status(), 403);
    }
    assert_eq!(me(&app, &client).await, 200, "nothing was changed");
    let form = client
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 303);
    assert_eq!(me(&app, &client).await, 401);
}

#[tokio::test]
async fn a_request_with_the_session_cookie_but_no_origin_is_refused() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (client, verified) = sign_in_by_code(&app, "ann@example.org").await;
    let session = session_cookie(&verified);
    let body: serde_json::Value = verified.json().await.unwrap();

    // A client without the harness's default Origin header, carrying the cookie by hand.
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/auth/sign-out"))
        .header("cookie", format!("wayfinder_session={session}"))
        .header("x-csrf-token", body["csrf_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(me(&app, &client).await, 200);
}

#[tokio::test]
async fn a_foreign_origin_cannot_post_even_without_a_session() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({ "email": "ann@example.org" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}
