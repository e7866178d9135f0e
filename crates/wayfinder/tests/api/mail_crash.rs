//! The real binary against a relay that misbehaves: `admin create` returns within the mail
//! deadline, and after a `kill -9` in the middle of a delivery the restarted server delivers at
//! once, with the Message-ID of the first try (issue 8).

use crate::external::{RawMail, database_sql_ok, eventually, free_port};
use crate::fake_smtp::{Conduct, FakeSmtp};
use crate::helpers::TestDatabase;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_wayfinder");

/// A data directory and a database (PostgreSQL when the run uses it) for the binary.
struct Site {
    dir: tempfile::TempDir,
    database: TestDatabase,
}

impl Site {
    async fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(dir.path()).await;
        Site { dir, database }
    }

    /// The binary with `args`, this site's storage, `mail` and a mail deadline of `deadline` s.
    fn command(&self, args: &[&str], mail: &str, deadline: u64) -> Command {
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(["--database-url", &self.database.url, "--mail", mail])
            .args(["--mail-timeout-seconds", &deadline.to_string()])
            .env_remove("WAYFINDER_SECRET_KEY")
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        command
    }

    async fn admin_create(&self, mail: &str, deadline: u64) -> std::process::Output {
        let args = ["admin", "create", "--email", "bea@example.org"];
        let names = ["--first-name", "Bea", "--last-name", "Smith"];
        let mut command = self.command(&[&args[..], &names[..]].concat(), mail, deadline);
        let output = tokio::time::timeout(Duration::from_secs(30), command.output());
        output.await.expect("admin create returns").expect("run")
    }

    /// `wayfinder serve`, once it answers its health check.
    async fn serve(&self, mail: &str, deadline: u64) -> Child {
        let listen = format!("127.0.0.1:{}", free_port());
        let mut child = self
            .command(&["serve", "--listen", &listen], mail, deadline)
            .spawn()
            .expect("start the server");
        let health = format!("http://{listen}/healthz");
        for _ in 0..200 {
            assert!(
                child.try_wait().expect("wait").is_none(),
                "the server exited"
            );
            if reqwest::get(&health).await.is_ok_and(|r| r.status() == 200) {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy");
    }

    fn sql(&self, sql: &str) -> String {
        database_sql_ok(&self.database, sql)
    }
}

#[tokio::test]
async fn admin_create_with_a_relay_that_never_answers_prints_the_id_and_returns_promptly() {
    let relay = FakeSmtp::start(|_| Conduct::Silent).await;
    let site = Site::new().await;
    let started = Instant::now();

    let created = site.admin_create(&relay.url(), 1).await;

    let took = started.elapsed();
    assert!(created.status.success());
    let id = String::from_utf8_lossy(&created.stdout).trim().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id:?} is not a UUID");
    assert!(
        took < Duration::from_secs(10),
        "took {took:?}; the deadline is 1 s"
    );
    assert_eq!(relay.connections(), 1);
    let row = "SELECT attempts, CAST(last_error IS NOT NULL AS INTEGER) FROM mail_queue";
    assert_eq!(
        site.sql(row),
        "1|1",
        "the invitation stays queued for the server"
    );
    eprintln!("admin create returned after {took:?}");
}

#[tokio::test]
async fn after_a_kill_in_mid_delivery_the_restart_delivers_at_once_with_the_same_message_id() {
    // The first conversation takes the message and never confirms it; later ones work.
    let relay = FakeSmtp::start(|n| {
        if n == 0 {
            Conduct::StallAfterData
        } else {
            Conduct::Answer
        }
    })
    .await;
    let site = Site::new().await;
    // Queued with nowhere to go (a closed port), then made due again at once.
    let closed = format!("smtp://127.0.0.1:{}?tls=none", free_port());
    assert!(site.admin_create(&closed, 1).await.status.success());
    site.sql("UPDATE mail_queue SET next_attempt_at = created_at");
    let mut first = site.serve(&relay.url(), 120).await;
    eventually("the first delivery", 20, || {
        (relay.received().len() == 1).then_some(())
    })
    .await;

    first.start_kill().expect("kill -9");
    first.wait().await.expect("wait");
    let started = Instant::now();
    let _second = site.serve(&relay.url(), 120).await;
    eventually("the second delivery", 20, || {
        (relay.received().len() == 2).then_some(())
    })
    .await;

    let took = started.elapsed();
    let received: Vec<RawMail> = relay.received().iter().map(|m| RawMail::parse(m)).collect();
    let ids: Vec<&str> = received.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids[0], ids[1], "a duplicate carries the same Message-ID");
    assert!(
        ids[0].ends_with("@localhost>"),
        "under the sender's domain: {}",
        ids[0]
    );
    assert!(
        took < Duration::from_secs(10),
        "took {took:?}; the lease was 3 minutes"
    );
    eprintln!("restarted server delivered {took:?} after starting");
}
