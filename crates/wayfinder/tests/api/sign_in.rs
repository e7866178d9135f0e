//! Passwordless sign-in, SPEC §4.

use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use serde_json::{Value, json};
use time::Duration;

async fn verify(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    code: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/verify"))
        .json(&json!({ "email": email, "code": code }))
        .send()
        .await
        .expect("verify")
}

async fn confirm_link(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .post(app.url("/sign-in/link"))
        .form(&[("token", token)])
        .send()
        .await
        .expect("confirm")
}

async fn me_status(app: &TestApp, client: &reqwest::Client) -> u16 {
    client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me")
        .status()
        .as_u16()
}

#[tokio::test]
async fn sign_in_by_code_starts_a_session() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let client = app.client();
    assert_eq!(me_status(&app, &client).await, 401);

    let (code, _) = app.request_code(&client, "Ann@Example.org ").await;
    let response = verify(&app, &client, "ann@example.org", &code).await;

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ann@example.org");
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["user"]["status"], "active");
    assert!(body["csrf_token"].as_str().unwrap().len() >= 32);
    assert_eq!(me_status(&app, &client).await, 200);
}

#[tokio::test]
async fn sign_in_email_has_code_and_absolute_link_from_base_url() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    app.request_code(&client, "ann@example.org").await;
    let mail = app.wait_for_email("ann@example.org", 2).await;
    let link = format!("{}/sign-in/link?token=", app.address);
    assert!(mail.text.contains(&link), "{}", mail.text);
    let (code, token) = secrets_in(&mail);
    assert_eq!(code.len(), 6);
    // 256 bits in base64url without padding.
    assert_eq!(token.len(), 43);
}

#[tokio::test]
async fn magic_link_signs_in_on_another_device() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (_, token) = app.request_code(&app.client(), "ann@example.org").await;

    let other_device = app.client();
    let response = confirm_link(&app, &other_device, &token).await;

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    assert_eq!(me_status(&app, &other_device).await, 200);
}

#[tokio::test]
async fn a_code_works_once() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, "ann@example.org").await;
    let first: Value = verify(&app, &client, "ann@example.org", &code)
        .await
        .json()
        .await
        .unwrap();
    let csrf = first["csrf_token"].as_str().unwrap();

    let again = verify(&app, &app.client(), "ann@example.org", &code).await;
    let again_same_browser = client
        .post(app.url("/api/v1/auth/verify"))
        .header("x-csrf-token", csrf)
        .json(&json!({ "email": "ann@example.org", "code": code }))
        .send()
        .await
        .unwrap();

    assert_eq!(again.status(), 400);
    assert_eq!(again_same_browser.status(), 400);
    let body: Value = again_same_browser.json().await.unwrap();
    assert_eq!(body["error"]["code"], "expired_code");
}

#[tokio::test]
async fn a_link_works_once_and_says_so_afterwards() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (_, token) = app.request_code(&app.client(), "ann@example.org").await;
    assert_eq!(
        confirm_link(&app, &app.client(), &token).await.status(),
        303
    );

    let second = confirm_link(&app, &app.client(), &token).await;
    assert_eq!(second.status(), 400);
    let page = second.text().await.unwrap();
    assert!(page.contains("already been used"), "{page}");
    assert!(
        page.contains("href=\"/sign-in\""),
        "the page offers a way forward"
    );

    let get = app
        .client()
        .get(app.url(&format!("/sign-in/link?token={token}")))
        .send()
        .await
        .unwrap();
    assert!(get.text().await.unwrap().contains("already been used"));
}

#[tokio::test]
async fn code_and_link_expire_after_ten_minutes() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, token) = app.request_code(&client, "ann@example.org").await;

    app.clock
        .advance(Duration::minutes(10) + Duration::seconds(1));

    let response = verify(&app, &client, "ann@example.org", &code).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "expired_code");
    let page = app
        .client()
        .get(app.url(&format!("/sign-in/link?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("This link has expired"));
    assert_eq!(
        confirm_link(&app, &app.client(), &token).await.status(),
        400
    );
}

#[tokio::test]
async fn a_code_still_works_just_before_it_expires() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, "ann@example.org").await;
    app.clock
        .advance(Duration::minutes(9) + Duration::seconds(59));
    assert_eq!(
        verify(&app, &client, "ann@example.org", &code)
            .await
            .status(),
        200
    );
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[tokio::test]
async fn five_wrong_codes_kill_the_code_even_for_the_right_sixth_try() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, token) = app.request_code(&client, "ann@example.org").await;

    for _ in 0..5 {
        let response = verify(&app, &client, "ann@example.org", &wrong(&code)).await;
        assert_eq!(response.status(), 400);
    }
    let sixth = verify(&app, &client, "ann@example.org", &code).await;

    assert_eq!(sixth.status(), 400);
    assert_eq!(me_status(&app, &client).await, 401);
    // The link of the killed code is dead too.
    assert_eq!(confirm_link(&app, &client, &token).await.status(), 400);
}

#[tokio::test]
async fn parallel_wrong_codes_cannot_exceed_five_tries() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, "ann@example.org").await;

    let bad = wrong(&code);
    let guesses = (0..12).map(|_| verify(&app, &client, "ann@example.org", &bad));
    let answers = futures_join_all(guesses).await;
    assert!(answers.iter().all(|r| r.status() == 400));

    assert_eq!(
        verify(&app, &client, "ann@example.org", &code)
            .await
            .status(),
        400
    );
}

/// Runs futures concurrently on this task (no extra crate needed for a join-all).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let futures: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs = Vec::new();
    let handles: Vec<_> = futures.into_iter().collect();
    // Poll all at once: each send is independent I/O.
    let joined = tokio_join(handles).await;
    outputs.extend(joined);
    outputs
}

async fn tokio_join<F: std::future::Future>(futures: Vec<std::pin::Pin<Box<F>>>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut futures: Vec<Option<std::pin::Pin<Box<F>>>> = futures.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}
