//! Mail over a real SMTP conversation with aiosmtpd, and a queue that keeps no secret in clear
//! (SPEC §10).

use crate::external::{
    RawMail, Secret, database_files, database_sql_ok, eml_files, eventually, files_under,
    free_port, leaks, port_is_open,
};
use crate::helpers::TestApp;
use async_trait::async_trait;
use domain::{Role, User};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wayfinder::mail::transport::{Memory, Outgoing, Smtp, Transport};
use wayfinder::service::accounts::{self, NewAccountInput};

/// The distribution's interpreter, which has the distribution's `python3-aiosmtpd`.
const PYTHON: &str = "/usr/bin/python3";
const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
const FROM: &str = "Wayfinder <wayfinder@example.org>";

/// An aiosmtpd server on a loopback port that writes each message it accepts to a directory;
/// killed when dropped.
struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    async fn start(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = std::fs::File::create(dir.path().join("sink.log")).expect("sink log");
        let child = Command::new(PYTHON)
            .arg(SINK)
            .args(["127.0.0.1", &port.to_string()])
            .arg(dir.path())
            // Held open by `child`: the sink exits at EOF, even if this process is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {PYTHON} ({error}); {}", install_hint()));
        let mut sink = SmtpSink { child, dir };
        eventually("the SMTP sink to listen", 10, || {
            if let Ok(Some(status)) = sink.child.try_wait() {
                panic!(
                    "the SMTP sink exited ({status}): {}\n{}",
                    sink.log(),
                    install_hint()
                );
            }
            port_is_open(port).then_some(())
        })
        .await;
        sink
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sink.log")).unwrap_or_default()
    }

    fn messages(&self) -> Vec<RawMail> {
        eml_files(self.dir.path())
            .iter()
            .map(|path| RawMail::read(path))
            .collect()
    }

    /// Waits (10 s at most) for the first message.
    async fn first_message(&self) -> RawMail {
        eventually("a message over SMTP", 10, || {
            self.messages().into_iter().next()
        })
        .await
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn install_hint() -> &'static str {
    "these tests need Debian's aiosmtpd: apt-get install python3-aiosmtpd"
}

fn smtp_transport(port: u16) -> Arc<dyn Transport> {
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    Arc::new(
        Smtp::new(&url, FROM.parse().expect("mailbox"), Duration::from_secs(2))
            .expect("SMTP transport"),
    )
}

/// Creates an account as an administrator would, without waiting for its invitation.
async fn create_account(app: &TestApp, email: &str) -> User {
    let input = NewAccountInput {
        email: email.into(),
        first_name: "Ann".into(),
        last_name: "Lee".into(),
    };
    let account = input.parse().expect("valid input");
    let actor = domain::audit::Actor::Cli;
    let mut tx = app.state.store.begin().await.expect("begin");
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
    tx.commit(accounts::created_event(&actor, &user))
        .await
        .expect("commit");
    app.state.mail_wakeup.notify_one();
    user
}

/// `attempts|failed|body erased|sent` of the only queued message.
fn queue_row(app: &TestApp) -> String {
    database_sql_ok(
        &app.database,
        "SELECT attempts, CAST(last_error IS NOT NULL AS INTEGER),
           CAST(body_sealed IS NULL AS INTEGER), CAST(sent_at IS NOT NULL AS INTEGER)
         FROM mail_queue",
    )
}

/// Waits until the worker has tried to deliver the queued message and failed.
async fn wait_for_failed_attempt(app: &TestApp) {
    eventually("a failed delivery attempt", 10, || {
        queue_row(app).starts_with("1|1|0|0").then_some(())
    })
    .await;
}

#[tokio::test]
async fn invitation_is_delivered_over_smtp_with_code_and_absolute_link() {
    let port = free_port();
    let sink = SmtpSink::start(port).await;
    let app = TestApp::spawn_with_transport(smtp_transport(port)).await;

    create_account(&app, "Ann@Example.org").await;
    let mail = sink.first_message().await;

    assert!(mail.header("From").contains("wayfinder@example.org"));
    assert_eq!(mail.header("To"), "ann@example.org");
    assert_eq!(mail.header("Subject"), "You are invited to Wayfinder");
    assert!(mail.header("Content-Type").starts_with("text/plain"));
    let (code, token) = mail.secrets();
    assert_eq!(code.len(), 6);
    assert_eq!(token.len(), 43, "256 bits in base64url");
    let link = format!("{}/sign-in/link?token={token}", app.address);
    assert!(mail.body.contains(&link), "{}", mail.body);
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back() {
    let port = free_port();
    let app = TestApp::spawn_with_transport(smtp_transport(port)).await;

    // Nothing listens yet: the action succeeds at once and the message stays queued.
    let user = create_account(&app, "ann@example.org").await;
    assert!(app.state.store.user_by_id(user.id).await.unwrap().is_some());
    wait_for_failed_attempt(&app).await;
    let card = wayfinder::service::users::get(&app.state, &domain::Viewer::cli(), user.id)
        .await
        .unwrap();
    assert!(
        card.mail_undelivered,
        "the user card says: not delivered yet, retrying"
    );

    let sink = SmtpSink::start(port).await;
    app.clock.advance(time::Duration::seconds(6));
    app.state.mail_wakeup.notify_one();
    let mail = sink.first_message().await;

    assert_eq!(mail.header("To"), "ann@example.org");
    // More wake-ups and a later clock must not send it again.
    for _ in 0..5 {
        app.clock.advance(time::Duration::hours(1));
        app.state.mail_wakeup.notify_one();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(sink.messages().len(), 1);
    assert!(queue_row(&app).ends_with("|1|1"), "{}", queue_row(&app));
    let card = wayfinder::service::users::get(&app.state, &domain::Viewer::cli(), user.id)
        .await
        .unwrap();
    assert!(!card.mail_undelivered);
}

/// A relay that refuses mail until it is opened, then keeps it in memory.
#[derive(Default)]
struct Gate {
    open: AtomicBool,
    delivered: Memory,
}

#[async_trait]
impl Transport for Gate {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()> {
        anyhow::ensure!(self.open.load(Ordering::SeqCst), "the relay is down");
        self.delivered.send(mail).await
    }
}

#[tokio::test]
async fn queued_mail_holds_no_secret_in_clear_before_or_after_delivery() {
    let gate = Arc::new(Gate::default());
    let app = TestApp::spawn_with_transport(gate.clone()).await;
    create_account(&app, "ann@example.org").await;
    wait_for_failed_attempt(&app).await;
    let files_before = database_files(&app);
    let before: Vec<(PathBuf, Vec<u8>)> = files_before
        .iter()
        .map(|path| (path.clone(), std::fs::read(path).expect("readable")))
        .collect();

    gate.open.store(true, Ordering::SeqCst);
    app.clock.advance(time::Duration::seconds(6));
    app.state.mail_wakeup.notify_one();
    let mail = eventually("the delivery", 10, || {
        gate.delivered.messages().into_iter().next()
    })
    .await;
    let (code, token) = crate::helpers::secrets_in(&mail);

    let snapshot = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in before {
        let copy = snapshot.path().join(path.file_name().expect("a file name"));
        std::fs::write(copy, bytes).expect("snapshot");
    }
    let secrets = [Secret::Code(code), Secret::Token(token)];
    let queued = files_under(snapshot.path(), &[]);
    assert_eq!(leaks(&queued, &secrets), [], "in the queue before delivery");
    assert!(queue_row(&app).ends_with("|1|1"), "body erased once sent");
    let now = database_files(&app);
    assert_eq!(leaks(&now, &secrets), [], "after delivery");
}

#[tokio::test]
async fn used_sign_in_secrets_leave_no_trace_in_the_database_files() {
    let mut app = TestApp::spawn().await;
    app.sign_in_as("ann@example.org", Role::Admin).await;
    let secrets: Vec<Secret> = app
        .emails_to("ann@example.org")
        .iter()
        .map(crate::helpers::secrets_in)
        .flat_map(|(code, token)| [Secret::Code(code), Secret::Token(token)])
        .collect();
    assert_eq!(secrets.len(), 4, "the invitation and a sign-in email");

    app.stop().await;

    let files = database_files(&app);
    assert_eq!(leaks(&files, &secrets), []);
}
