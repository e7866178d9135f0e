//! The audit log records sign-in and setup events in one verifiable chain (SPEC §9).

use crate::helpers::TestApp;
use domain::Role;
use serde_json::json;
use store::audit_chain;

#[tokio::test]
async fn sign_in_events_are_recorded_in_a_chain_that_verifies_and_holds_no_secret() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::User).await;
    let client = app.client();
    let (code, token) = app.request_code(&client, "ann@example.org").await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    for _ in 0..5 {
        client
            .post(app.url("/api/v1/auth/verify"))
            .json(&json!({"email": "ann@example.org", "code": wrong}))
            .send()
            .await
            .unwrap();
    }
    client
        .post(app.url("/api/v1/auth/sign-in"))
        .json(&json!({"email": "ann@example.org"}))
        .send()
        .await
        .unwrap();
    let (client, csrf) = app.sign_in_as("bob@example.org", Role::User).await;
    client
        .post(app.url("/api/v1/auth/sign-out"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();

    let events = app.state.store.audit_events_after(0, 1000).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "user.created",
        "invitation.sent",
        "sign_in.requested",
        "sign_in.failed",
        "sign_in.code_killed",
        "sign_in.rate_limited",
        "sign_in.succeeded",
        "sign_out",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    for event in &events {
        let text = format!("{event:?}");
        assert!(
            !text.contains(&code) && !text.contains(&token),
            "a secret in {text}"
        );
    }
    let verified = audit_chain::verify(app.state.store.as_ref()).await.unwrap();
    // Every event read above, and any a background task appended since.
    let count = verified.expect("the chain verifies");
    assert!(count >= events.len() as i64, "{count} < {}", events.len());
}
