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
    assert_eq!(body["error"]["code"], "invalid_code");
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
    assert_eq!(body["error"]["code"], "invalid_code");
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
    let killed = app.state.store.audit_events_after(0, 100).await.unwrap();
    assert!(killed.iter().any(|e| e.action == "sign_in.code_killed"));
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

#[tokio::test]
async fn unknown_addresses_get_byte_identical_answers_and_no_email() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let ask = |email: &'static str| {
        let client = app.client();
        let url = app.url("/api/v1/auth/sign-in");
        async move {
            client
                .post(url)
                .json(&json!({ "email": email }))
                .send()
                .await
                .unwrap()
        }
    };

    let known = ask("ann@example.org").await;
    let unknown = ask("nobody@example.org").await;

    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.status(), 202);
    let cookie_names =
        |r: &reqwest::Response| r.cookies().map(|c| c.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(cookie_names(&known), cookie_names(&unknown));
    assert_eq!(known.bytes().await.unwrap(), unknown.bytes().await.unwrap());
    app.wait_for_email("ann@example.org", 2).await;
    assert!(app.emails_to("nobody@example.org").is_empty());
}

async fn ask_sign_in(app: &TestApp, email: &str) -> reqwest::Response {
    app.client()
        .post(app.url("/api/v1/auth/sign-in"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &reqwest::Response) -> i64 {
    response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn sixty_seconds_between_sign_in_emails_to_one_address_known_or_not() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    for email in ["ann@example.org", "nobody@example.org"] {
        assert_eq!(ask_sign_in(&app, email).await.status(), 202);
        if email == "ann@example.org" {
            // Delivered before the next one is asked for, which would otherwise replace it
            // in the queue on a slow machine (a newer code supersedes an unsent one).
            app.wait_for_email(email, 2).await;
        }
        app.clock.advance(Duration::seconds(20));

        let limited = ask_sign_in(&app, email).await;

        assert_eq!(limited.status(), 429, "{email}");
        assert_eq!(retry_after(&limited), 40);
        let body: Value = limited.json().await.unwrap();
        assert_eq!(body["error"]["code"], "rate_limited");
        app.clock.advance(Duration::seconds(40));
        assert_eq!(ask_sign_in(&app, email).await.status(), 202, "{email}");
    }
    // One invitation and two sign-in emails.
    app.wait_for_email("ann@example.org", 3).await;
    assert_eq!(app.emails_to("ann@example.org").len(), 3);
}

#[tokio::test]
async fn at_most_five_sign_in_emails_an_hour_to_one_address() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    for email in ["ann@example.org", "nobody@example.org"] {
        for _ in 0..5 {
            assert_eq!(ask_sign_in(&app, email).await.status(), 202);
            app.clock.advance(Duration::seconds(61));
        }
        // 5 × 61 s have passed since the first of the five.
        let sixth = ask_sign_in(&app, email).await;

        assert_eq!(sixth.status(), 429);
        assert_eq!(retry_after(&sixth), 3600 - 5 * 61);
        app.clock.advance(Duration::seconds(3600 - 5 * 61));
        assert_eq!(ask_sign_in(&app, email).await.status(), 202);
        app.clock.advance(Duration::seconds(61));
    }
}

#[tokio::test]
async fn thirty_sign_in_requests_per_ip_in_ten_minutes() {
    let app = TestApp::spawn().await;
    for n in 0..30 {
        let response = ask_sign_in(&app, &format!("person{n}@example.org")).await;
        assert_eq!(response.status(), 202);
    }
    let limited = ask_sign_in(&app, "person31@example.org").await;
    assert_eq!(limited.status(), 429);
    assert!(retry_after(&limited) > 0);
    app.clock.advance(Duration::minutes(10));
    assert_eq!(
        ask_sign_in(&app, "person31@example.org").await.status(),
        202
    );
}

#[tokio::test]
async fn sixty_code_verifications_per_ip_in_ten_minutes() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..60 {
        assert_eq!(
            verify(&app, &client, "nobody@example.org", "123456")
                .await
                .status(),
            400
        );
    }
    let limited = verify(&app, &client, "nobody@example.org", "123456").await;
    assert_eq!(limited.status(), 429);
    assert!(retry_after(&limited) > 0);
}

#[tokio::test]
async fn a_sign_in_code_fails_in_another_browser_while_the_link_works_there() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (code, token) = app.request_code(&app.client(), "ann@example.org").await;
    let other = app.client();

    let by_code = verify(&app, &other, "ann@example.org", &code).await;
    let by_link = confirm_link(&app, &other, &token).await;

    assert_eq!(by_code.status(), 400);
    assert_eq!(by_link.status(), 303);
    assert_eq!(me_status(&app, &other).await, 200);
}

#[tokio::test]
async fn an_invitation_code_works_in_any_browser_for_72_hours() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    app.create_user("bob@example.org", Role::User).await;
    let (ann_code, _) = secrets_in(&app.wait_for_email("ann@example.org", 1).await);
    let (bob_code, bob_token) = secrets_in(&app.wait_for_email("bob@example.org", 1).await);

    app.clock.advance(Duration::hours(71));
    let ann = app.client();
    assert_eq!(
        verify(&app, &ann, "ann@example.org", &ann_code)
            .await
            .status(),
        200
    );
    let body: Value = ann
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["user"]["status"], "active");

    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    assert_eq!(
        verify(&app, &app.client(), "bob@example.org", &bob_code)
            .await
            .status(),
        400
    );
    assert_eq!(
        confirm_link(&app, &app.client(), &bob_token).await.status(),
        400
    );
}

#[tokio::test]
async fn a_new_code_kills_the_older_one() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (old_code, old_token) = app.request_code(&client, "ann@example.org").await;
    app.clock.advance(Duration::seconds(61));
    let (new_code, _) = app.request_code(&client, "ann@example.org").await;
    assert_ne!(old_code, new_code);

    assert_eq!(
        verify(&app, &client, "ann@example.org", &old_code)
            .await
            .status(),
        400
    );
    assert_eq!(
        confirm_link(&app, &app.client(), &old_token).await.status(),
        400
    );
    assert_eq!(
        verify(&app, &client, "ann@example.org", &new_code)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn opening_a_link_with_get_or_head_consumes_nothing() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let (_, token) = app.request_code(&app.client(), "ann@example.org").await;
    let url = app.url(&format!("/sign-in/link?token={token}"));
    let scanner = app.client();

    for _ in 0..3 {
        let head = scanner.head(&url).send().await.unwrap();
        assert_eq!(head.status(), 200);
        assert!(head.headers().get("set-cookie").is_none());
        let page = scanner.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.headers().get("set-cookie").is_none());
        let html = page.text().await.unwrap();
        assert!(
            html.contains("<button type=\"submit\">Sign in</button>"),
            "{html}"
        );
    }
    assert_eq!(me_status(&app, &scanner).await, 401);
    assert_eq!(
        confirm_link(&app, &app.client(), &token).await.status(),
        303
    );
}

#[tokio::test]
async fn first_sign_in_activates_the_account_and_every_sign_in_is_recorded() {
    let app = TestApp::spawn().await;
    let user = app.create_user("ann@example.org", Role::User).await;
    assert!(user.activated_at.is_none());
    let (client, _) = (app.client(), ());
    let (code, _) = app.request_code(&client, "ann@example.org").await;
    verify(&app, &client, "ann@example.org", &code).await;
    let first = app.state.store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(first.activated_at, Some(app.clock_now()));
    assert_eq!(first.last_sign_in_at, Some(app.clock_now()));

    app.clock.advance(Duration::minutes(5));
    let other = app.client();
    let (code, _) = app.request_code(&other, "ann@example.org").await;
    verify(&app, &other, "ann@example.org", &code).await;
    let second = app.state.store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(second.activated_at, first.activated_at);
    assert_eq!(second.last_sign_in_at, Some(app.clock_now()));
}

#[tokio::test]
async fn a_wrong_code_answers_exactly_like_an_unknown_address() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, _) = app.request_code(&client, "ann@example.org").await;
    assert_eq!(ask_sign_in(&app, "nobody@example.org").await.status(), 202);

    let known = verify(&app, &client, "ann@example.org", &wrong(&code)).await;
    let unknown = verify(&app, &client, "nobody@example.org", &wrong(&code)).await;

    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.bytes().await.unwrap(), unknown.bytes().await.unwrap());
}
