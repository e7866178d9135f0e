//! Two servers on one database, as behind a load balancer (SPEC §11): nothing that matters may
//! live in one process. On PostgreSQL this is the supported setup; on SQLite two instances on one
//! file must behave the same.

use crate::helpers::TestApp;
use domain::Role;
use domain::audit::{Action, Actor, NewAuditEvent};
use serde_json::json;
use std::collections::HashSet;
use time::Duration;
use wayfinder::mail::{self, Body, Email};

async fn verify(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/verify"))
        .json(&json!({ "email": "ann@example.org", "code": code }))
        .send()
        .await
        .expect("verify")
}

async fn request_sign_in(app: &TestApp, client: &reqwest::Client, email: &str) -> u16 {
    client
        .post(app.url("/api/v1/auth/sign-in"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("sign-in")
        .status()
        .as_u16()
}

async fn me_status(app: &TestApp, client: &reqwest::Client) -> u16 {
    let response = client.get(app.url("/api/v1/me")).send().await.expect("me");
    response.status().as_u16()
}

#[tokio::test]
async fn a_session_made_on_one_instance_is_accepted_by_the_other() {
    let one = TestApp::spawn().await;
    let two = one.spawn_sibling().await;

    let (client, csrf) = one.sign_in_as("ann@example.org", Role::Admin).await;

    assert_eq!(me_status(&two, &client).await, 200);
    let signed_out = client
        .post(two.url("/api/v1/auth/sign-out"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .expect("sign-out");
    assert_eq!(signed_out.status(), 204);
    assert_eq!(me_status(&one, &client).await, 401, "signed out everywhere");
}

#[tokio::test]
async fn five_wrong_codes_spread_over_both_instances_kill_the_code() {
    let one = TestApp::spawn().await;
    let two = one.spawn_sibling().await;
    one.create_user("ann@example.org", Role::User).await;
    let client = one.client();
    let (code, _) = one.request_code(&client, "ann@example.org").await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);

    for instance in [&one, &two, &one, &two, &one] {
        assert_eq!(verify(instance, &client, &wrong).await.status(), 400);
    }
    let right_on_two = verify(&two, &client, &code).await;
    let right_on_one = verify(&one, &client, &code).await;

    assert_eq!(right_on_two.status(), 400);
    assert_eq!(right_on_one.status(), 400);
    assert_eq!(me_status(&two, &client).await, 401);
}

#[tokio::test]
async fn the_sixty_second_limit_holds_across_instances() {
    let one = TestApp::spawn().await;
    let two = one.spawn_sibling().await;
    one.create_user("ann@example.org", Role::User).await;
    let client = one.client();

    assert_eq!(request_sign_in(&one, &client, "ann@example.org").await, 202);
    let on_two = request_sign_in(&two, &client, "ann@example.org").await;
    one.clock.advance(Duration::seconds(61));
    let later = request_sign_in(&two, &client, "ann@example.org").await;

    assert_eq!(on_two, 429);
    assert_eq!(later, 202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_messages_queued_at_once_are_each_delivered_exactly_once() {
    let one = TestApp::spawn().await;
    let two = one.spawn_sibling().await;
    let recipients: Vec<String> = (0..20).map(|i| format!("m{i}@example.org")).collect();

    let mut tx = one.state.store.begin().await.expect("begin");
    for to in &recipients {
        let email = Email {
            to: domain::EmailAddress::parse(to).expect("address"),
            subject: "Hello".into(),
            body: Body {
                text: format!("Hello {to}"),
                html: None,
                attachments: Vec::new(),
            },
            secret_of: None,
        };
        mail::queue(tx.as_mut(), &one.state, email)
            .await
            .expect("queue");
    }
    let event = NewAuditEvent::new(one.state.now(), Actor::System, Action::InvitationSent);
    tx.commit(event).await.expect("commit");
    // Both workers wake at once, and each instance also runs a batch of its own beside them.
    one.state.mail_wakeup.notify_one();
    two.state.mail_wakeup.notify_one();
    let transport = one.mail.clone();
    let (a, b) = tokio::join!(
        mail::worker::deliver_due(&one.state, &transport),
        mail::worker::deliver_due(&two.state, &transport),
    );
    a.expect("delivery on one");
    b.expect("delivery on two");
    for to in &recipients {
        one.wait_for_email(to, 1).await;
    }
    // Give a duplicate time to show.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let delivered: Vec<_> = one
        .mail
        .messages()
        .into_iter()
        .filter(|m| recipients.contains(&m.to))
        .collect();
    let ids: HashSet<_> = delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered.len(), 20, "no message twice");
    assert_eq!(ids.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_audit_chain_stays_valid_after_a_concurrent_burst_on_both_instances() {
    let one = TestApp::spawn().await;
    let two = one.spawn_sibling().await;
    let (before, _) = one.state.store.audit_head().await.expect("head");

    let mut burst = tokio::task::JoinSet::new();
    for i in 0..60 {
        let state = if i % 2 == 0 {
            one.state.clone()
        } else {
            two.state.clone()
        };
        burst.spawn(async move {
            let event = NewAuditEvent::new(state.now(), Actor::System, Action::SignedOut)
                .details(json!({ "n": i }));
            state.store.audit(event).await
        });
    }
    // Real requests too, each appending its own events, on both instances at once.
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..10 {
        let app = if i % 2 == 0 { &one } else { &two };
        let (client, url) = (one.client(), app.url("/api/v1/auth/sign-in"));
        requests.spawn(async move {
            let body = json!({ "email": format!("nobody{i}@example.org") });
            let response = client.post(url).json(&body).send().await;
            response.expect("sign-in").status().as_u16()
        });
    }
    let statuses = requests.join_all().await;
    for appended in burst.join_all().await {
        appended.expect("append");
    }

    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    // Sign-in requests record their event just after answering: wait for all ten.
    for _ in 0..200 {
        if one.state.store.audit_head().await.expect("head").0 >= before + 70 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let verified = store::audit_chain::verify(two.state.store.as_ref()).await;
    assert_eq!(verified.expect("verify"), Ok(before + 70));
}
