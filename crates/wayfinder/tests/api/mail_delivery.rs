//! Mail delivery when things go wrong (issue 8): a relay that stalls is given up on within the
//! deadline and holds no other message back; a restarted instance takes back the leases its
//! earlier run held; a resent invitation cancels the one still queued.

use crate::external::{RawMail, database_sql_ok, eventually};
use crate::fake_smtp::{Conduct, FakeSmtp};
use crate::helpers::TestApp;
use async_trait::async_trait;
use domain::{Role, User};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wayfinder::mail::transport::{Memory, Outgoing, Smtp, Transport};
use wayfinder::service::accounts::{self, NewAccountInput};

/// An SMTP transport whose own (lettre) timeout is far longer than any test: only the worker's
/// hard deadline can end a stalled conversation.
fn patient_smtp(relay: &FakeSmtp) -> Arc<dyn Transport> {
    let from = "Wayfinder <wayfinder@example.org>"
        .parse()
        .expect("mailbox");
    Arc::new(Smtp::new(&relay.url(), from, Duration::from_secs(600)).expect("SMTP transport"))
}

/// Creates an account as an administrator would, without waiting for its invitation.
async fn create_account(app: &TestApp, email: &str) -> User {
    let input = NewAccountInput {
        email: email.into(),
        first_name: "Ann".into(),
        last_name: "Lee".into(),
    };
    let actor = domain::audit::Actor::Cli;
    let mut tx = app.state.store.begin().await.expect("begin");
    let account = input.parse().expect("valid input");
    let user = accounts::create_with_invitation(
        tx.as_mut(),
        &app.state,
        &actor,
        account,
        Role::User,
        false,
    )
    .await
    .expect("create");
    let event = accounts::created_event(&actor, &user);
    tx.commit(event).await.expect("commit");
    app.state.mail_wakeup.notify_one();
    user
}

/// `attempts|failed|sent|leased` of the queued messages to `to`, oldest first.
fn rows_to(app: &TestApp, to: &str) -> String {
    database_sql_ok(
        &app.database,
        &format!(
            "SELECT attempts, CAST(last_error IS NOT NULL AS INTEGER),
               CAST(sent_at IS NOT NULL AS INTEGER), CAST(locked_by IS NOT NULL AS INTEGER)
             FROM mail_queue WHERE recipient = '{to}' ORDER BY created_at"
        ),
    )
}

/// Queues an invitation to a relay that behaves as `conduct` says, and returns how long the
/// first attempt took to be given up on.
async fn time_to_give_up(conduct: Conduct) -> Duration {
    let relay = FakeSmtp::start(move |_| conduct).await;
    let app = TestApp::spawn_with_transport(patient_smtp(&relay)).await;
    let started = Instant::now();

    create_account(&app, "ann@example.org").await;
    eventually("a failed attempt", 10, || {
        rows_to(&app, "ann@example.org")
            .starts_with("1|1|0|0")
            .then_some(())
    })
    .await;

    assert!(relay.connections() >= 1);
    let error = database_sql_ok(&app.database, "SELECT last_error FROM mail_queue");
    assert!(error.contains("no answer within 2 s"), "{error}");
    started.elapsed()
}

#[tokio::test]
async fn a_relay_that_never_greets_is_given_up_on_within_the_deadline() {
    let took = time_to_give_up(Conduct::Silent).await;

    assert!(
        took < Duration::from_secs(5),
        "took {took:?}; the deadline is 2 s"
    );
}

#[tokio::test]
async fn a_relay_that_stalls_after_its_greeting_is_given_up_on_within_the_deadline() {
    let took = time_to_give_up(Conduct::StallAfterGreeting).await;

    assert!(
        took < Duration::from_secs(5),
        "took {took:?}; the deadline is 2 s"
    );
}

#[tokio::test]
async fn a_stalled_delivery_does_not_hold_back_a_sign_in_code_to_someone_else() {
    // The first conversation hangs for the whole (long) deadline; the others work.
    let relay = FakeSmtp::start(|n| {
        if n == 0 {
            Conduct::Silent
        } else {
            Conduct::Answer
        }
    })
    .await;
    let transport = patient_smtp(&relay);
    let app = TestApp::spawn_configured(transport, |config| {
        config.mail_timeout = Duration::from_secs(60);
    })
    .await;
    create_account(&app, "ann@example.org").await;
    eventually("the stalled conversation", 10, || {
        (relay.connections() == 1).then_some(())
    })
    .await;
    let started = Instant::now();

    create_account(&app, "bob@example.org").await;
    eventually("Bob's invitation", 10, || {
        (relay.received().len() == 1).then_some(())
    })
    .await;
    let response = app
        .client()
        .post(app.url("/api/v1/auth/sign-in"))
        .json(&json!({ "email": "bob@example.org" }))
        .send()
        .await
        .expect("sign-in");
    assert_eq!(response.status(), 202);
    eventually("Bob's sign-in code", 10, || {
        (relay.received().len() == 2).then_some(())
    })
    .await;

    let took = started.elapsed();
    let subjects: Vec<String> = relay
        .received()
        .iter()
        .map(|raw| RawMail::parse(raw).header("Subject").to_owned())
        .collect();
    assert_eq!(
        subjects,
        ["You are invited to Wayfinder", "Sign in to Wayfinder"]
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(
        rows_to(&app, "ann@example.org"),
        "1|0|0|1",
        "Ann's is still under way"
    );
    eprintln!("second and third messages delivered {took:?} after the first one stalled");
}

/// Reads the lease owner id that an instance keeps in its data directory.
fn instance_id(app: &TestApp) -> String {
    let path = app.dir.path().join("instance.id");
    std::fs::read_to_string(path)
        .expect("an instance id")
        .trim()
        .to_owned()
}

#[tokio::test]
async fn a_restarted_instance_takes_back_its_own_leases_at_once_and_a_sibling_leaves_them() {
    let mut one = TestApp::spawn().await;
    one.stop().await;
    // What a `kill -9` in the middle of a delivery leaves: a message leased (for 5 minutes, as
    // before) by this instance's earlier run, which no one will finish.
    let user = create_account(&one, "ann@example.org").await;
    let now = one.state.now();
    let lease = now + time::Duration::minutes(5);
    let owner = instance_id(&one);
    let taken = one
        .state
        .store
        .claim_mail(now, lease, 10, &owner)
        .await
        .expect("claim");
    assert_eq!(taken.len(), 1);
    let two = one.spawn_sibling().await;
    for _ in 0..20 {
        two.state.mail_wakeup.notify_one();
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        one.emails_to("ann@example.org").len(),
        0,
        "a live sibling waits for the lease"
    );
    let started = Instant::now();

    one.restart().await;
    let mail = one.wait_for_email("ann@example.org", 1).await;

    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(mail.id, taken[0].id);
    assert_eq!(
        mail.message_id,
        taken[0].message_id.clone().expect("a Message-ID")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(one.emails_to("ann@example.org").len(), 1, "delivered once");
    assert_eq!(user.email.as_str(), "ann@example.org");
    eprintln!("held lease taken back and delivered {took:?} after the restart");
}

/// Delivers to memory, except to one address until it is released.
struct HoldFor {
    address: &'static str,
    released: AtomicBool,
    delivered: Memory,
}

#[async_trait]
impl Transport for HoldFor {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()> {
        let held = mail.to == self.address && !self.released.load(Ordering::SeqCst);
        anyhow::ensure!(!held, "the relay is down for {}", self.address);
        self.delivered.send(mail).await
    }
}

#[tokio::test]
async fn a_resent_invitation_cancels_the_one_still_queued_with_its_dead_code() {
    let hold = Arc::new(HoldFor {
        address: "ann@example.org",
        released: AtomicBool::new(false),
        delivered: Memory::default(),
    });
    let mut app = TestApp::spawn_with_transport(hold.clone()).await;
    app.mail = hold.delivered.clone();
    let (admin, csrf) = app.sign_in_as("admin@example.org", Role::Admin).await;
    let ann = create_account(&app, "ann@example.org").await;
    eventually("a failed attempt", 10, || {
        rows_to(&app, "ann@example.org")
            .starts_with("1|1|0|0")
            .then_some(())
    })
    .await;

    let resent = admin
        .post(app.url(&format!("/api/v1/users/{}/invitation", ann.id)))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("resend");
    assert_eq!(resent.status(), 202);
    hold.released.store(true, Ordering::SeqCst);
    // The worker may have tried the new invitation before the relay was released; its retry
    // then falls due 5 s after that failure, so time moves on until the message arrives.
    let mut delivered = None;
    for _ in 0..100 {
        app.clock.advance(time::Duration::seconds(6));
        app.state.mail_wakeup.notify_one();
        delivered = app.emails_to("ann@example.org").into_iter().next();
        if delivered.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = delivered.expect("the new invitation is delivered");
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(
        app.emails_to("ann@example.org").len(),
        1,
        "only the new invitation"
    );
    let rows = rows_to(&app, "ann@example.org");
    assert!(
        rows.ends_with("|1|0") && !rows.contains('\n'),
        "the old one is gone: {rows}"
    );
    let (code, _) = crate::helpers::secrets_in(&mail);
    let verified = app
        .client()
        .post(app.url("/api/v1/auth/verify"))
        .json(&json!({ "email": "ann@example.org", "code": code }))
        .send()
        .await
        .expect("verify");
    assert_eq!(verified.status(), 200, "the delivered code is the live one");
}
