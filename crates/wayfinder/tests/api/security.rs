//! Security headers (SPEC §5) and bad input (SPEC §13).

use crate::helpers::TestApp;
use domain::Role;
use serde_json::{Value, json};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for (path, referrer) in [
        ("/sign-in", "no-referrer"),
        ("/sign-in/code", "no-referrer"),
        ("/sign-in/link?token=x", "no-referrer"),
        ("/healthz", "same-origin"),
        ("/api/v1/me", "same-origin"),
        ("/no-such-page", "same-origin"),
    ] {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        let csp = header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), referrer, "{path}");
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "http site"
        );
    }
}

#[tokio::test]
async fn pages_have_no_inline_script() {
    let app = TestApp::spawn().await;
    for path in ["/sign-in", "/sign-in/code", "/sign-in/link?token=x"] {
        let html = app
            .client()
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("<script"), "{path}");
        assert!(!html.contains(" onclick="), "{path}");
    }
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client()
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn audit_head(app: &TestApp) -> i64 {
    app.state.store.audit_head().await.unwrap().0
}

#[tokio::test]
async fn bad_json_is_a_clear_400_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let before = audit_head(&app).await;
    let cases: [(&str, &[u8]); 5] = [
        ("malformed", b"{\"email\": "),
        (
            "unknown field",
            b"{\"email\": \"ann@example.org\", \"admin\": true}",
        ),
        ("missing field", b"{}"),
        ("wrong type", b"{\"email\": 7}"),
        ("not an object", b"[1, 2]"),
    ];
    for (case, body) in cases {
        let response = post_raw(
            &app,
            "/api/v1/auth/sign-in",
            "application/json",
            body.to_vec(),
        )
        .await;
        assert_eq!(response.status(), 400, "{case}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_body", "{case}");
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "{case}"
        );
    }
    let unknown: Value = post_raw(
        &app,
        "/api/v1/auth/verify",
        "application/json",
        br#"{"email":"a@example.org","code":"123456","remember":true}"#.to_vec(),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .contains("remember")
    );
    let no_json = post_raw(
        &app,
        "/api/v1/auth/sign-in",
        "text/plain",
        b"ann@example.org".to_vec(),
    )
    .await;
    assert_eq!(no_json.status(), 400);
    assert_eq!(audit_head(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn invalid_or_overlong_email_is_a_422_on_the_field() {
    let app = TestApp::spawn().await;
    let before = audit_head(&app).await;
    let overlong = format!("{}@{}.org", "a".repeat(64), "b".repeat(190));
    for email in ["", "not-an-email", "ann@", "ann@example", overlong.as_str()] {
        let response = app
            .client()
            .post(app.url("/api/v1/auth/sign-in"))
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{email}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation");
        assert!(
            body["error"]["fields"]["email"].as_str().unwrap().len() > 5,
            "{email}"
        );
    }
    assert_eq!(audit_head(&app).await, before);
}

#[tokio::test]
async fn a_code_that_is_not_six_digits_is_a_422_on_the_field() {
    let app = TestApp::spawn().await;
    for code in ["", "12345", "1234567", "abcdef", "12 456"] {
        let response = app
            .client()
            .post(app.url("/api/v1/auth/verify"))
            .json(&json!({ "email": "ann@example.org", "code": code }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{code:?}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["fields"]["code"].is_string());
    }
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_413() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(70 * 1024));
    let json = post_raw(
        &app,
        "/api/v1/auth/sign-in",
        "application/json",
        big.into_bytes(),
    )
    .await;
    assert_eq!(json.status(), 413);
    let body: Value = json.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    let form = format!("email={}", "a".repeat(70 * 1024));
    let page = post_raw(
        &app,
        "/sign-in",
        "application/x-www-form-urlencoded",
        form.into_bytes(),
    )
    .await;
    assert_eq!(page.status(), 413);
}

#[tokio::test]
async fn the_sign_in_form_shows_field_errors_and_keeps_the_input() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .post(app.url("/sign-in"))
        .form(&[("email", "ann@")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"email-error\""), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"ann@\""));
}

#[tokio::test]
async fn no_input_produces_a_500() {
    let app = TestApp::spawn().await;
    let (admin, csrf) = app.sign_in_as("ann@example.org", Role::Admin).await;
    let weird = [
        "",
        "%",
        "%zz",
        "\u{0}",
        "é",
        "a=b&a=c",
        "email=%00",
        "token=",
        "code[]=1",
        &"x".repeat(5000),
    ];
    let routes = [
        "/sign-in",
        "/sign-in/code",
        "/sign-in/link",
        "/setup",
        "/sign-out",
        "/api/v1/auth/sign-in",
        "/api/v1/auth/verify",
        "/api/v1/auth/sign-out",
    ];
    for route in routes {
        for body in weird {
            for content_type in [
                "application/x-www-form-urlencoded",
                "application/json",
                "text/plain",
            ] {
                for client in [&app.client(), &admin] {
                    let response = client
                        .post(app.url(route))
                        .header("content-type", content_type)
                        .header("x-csrf-token", &csrf)
                        .body(body.to_owned())
                        .send()
                        .await
                        .unwrap();
                    assert!(
                        response.status().as_u16() < 500,
                        "{route} {body:?}: {}",
                        response.status()
                    );
                }
            }
            let query = app
                .client()
                .get(app.url(&format!("{route}?token={body}&email={body}")))
                .send()
                .await
                .unwrap();
            assert!(query.status().as_u16() < 500, "GET {route}?{body:?}");
        }
    }
}
