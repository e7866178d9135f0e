//! The real `wayfinder` binary: first start and setup link, `admin create`, `audit verify`,
//! SIGTERM, and no secret in clear in the data directory or on the console (SPEC §4, §9–§13).

use crate::external::{
    RawMail, Secret, eml_files, eventually, files_under, free_port, leaks, sqlite3, sqlite3_ok,
};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output, Stdio};
use std::time::Duration;
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_wayfinder");
/// Settings from the environment that would change what the binary does under test.
const ENV: &[&str] = &[
    "WAYFINDER_LISTEN",
    "WAYFINDER_BASE_URL",
    "WAYFINDER_DATA_DIR",
    "WAYFINDER_MAIL",
    "WAYFINDER_MAIL_FROM",
    "WAYFINDER_SECRET_KEY",
    "DATABASE_URL",
    "RUST_LOG",
];

/// One test's temporary home: the data directory, and the captured console beside it.
pub(crate) struct Home {
    root: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Home {
        Home {
            root: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub(crate) fn db(&self) -> PathBuf {
        self.data().join("wayfinder.db")
    }

    fn outbox(&self) -> PathBuf {
        self.data().join("outbox")
    }

    /// The binary with `args`, this home's data directory and a clean environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BINARY);
        command.args(args).arg("--data-dir").arg(self.data());
        for name in ENV {
            command.env_remove(name);
        }
        command.kill_on_drop(true);
        command
    }

    pub(crate) async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.expect("run the binary")
    }

    async fn admin_create(&self, email: &str) -> Output {
        self.run(&[
            "admin",
            "create",
            "--email",
            email,
            "--first-name",
            "Bea",
            "--last-name",
            "Smith",
        ])
        .await
    }

    async fn audit_verify(&self) -> Output {
        self.run(&["audit", "verify"]).await
    }

    /// Waits for an outbox message that is not among `known`.
    async fn new_mail(&self, known: &[PathBuf]) -> RawMail {
        let path = eventually("a new message in the outbox", 10, || {
            eml_files(&self.outbox())
                .into_iter()
                .find(|path| !known.contains(path))
        })
        .await;
        RawMail::read(&path)
    }
}

/// A running `wayfinder serve`, killed if the test ends without stopping it.
pub(crate) struct Server {
    child: Child,
    base: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Server {
    async fn start(home: &Home) -> Server {
        Self::start_with(home, &[]).await
    }

    /// Starts `serve` with extra `args`.
    pub(crate) async fn start_with(home: &Home, args: &[&str]) -> Server {
        let listen = format!("127.0.0.1:{}", free_port());
        let stdout = home.root.path().join("serve.stdout");
        let stderr = home.root.path().join("serve.stderr");
        let file = |path: &Path| std::fs::File::create(path).expect("console file");
        let child = home
            .command(&[&["serve", "--listen", &listen][..], args].concat())
            .stdout(Stdio::from(file(&stdout)))
            .stderr(Stdio::from(file(&stderr)))
            .spawn()
            .expect("start the server");
        let mut server = Server {
            child,
            base: format!("http://{listen}"),
            stdout,
            stderr,
        };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&mut self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited ({status}): {}", self.console().1);
            }
            let health = client.get(self.url("/healthz")).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy: {}", self.console().1);
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server printed so far: (stdout, stderr).
    fn console(&self) -> (String, String) {
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        (read(&self.stdout), read(&self.stderr))
    }

    /// A browser: its own cookies, no redirects followed, the site's `Origin` on every request.
    fn client(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        let origin = HeaderValue::from_str(&self.base).expect("origin");
        headers.insert("origin", origin);
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// The one-time setup link printed on first start.
    async fn setup_link(&self) -> String {
        eventually("the setup link on stdout", 10, || {
            self.console()
                .0
                .split_whitespace()
                .find(|word| word.contains("/setup?token="))
                .map(str::to_owned)
        })
        .await
    }

    /// Opens the setup link and creates the first administrator; returns the link.
    async fn create_first_admin(&self, email: &str) -> String {
        let link = self.setup_link().await;
        assert!(link.starts_with(&format!("{}/setup?token=", self.base)));
        let client = self.client();
        let page = client.get(&link).send().await.expect("setup page");
        assert_eq!(page.status(), 200);
        let created = post_setup(&client, self, &link, email).await;
        assert_eq!(created.status(), 200);
        link
    }

    /// Sends SIGTERM and waits (10 s at most) for the process to end.
    pub(crate) async fn terminate(mut self) -> ExitStatus {
        let pid = self.child.id().expect("a running server");
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(kill.success());
        tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .expect("the server stops within 10 s of SIGTERM")
            .expect("wait")
    }
}

async fn post_setup(
    client: &reqwest::Client,
    server: &Server,
    link: &str,
    email: &str,
) -> reqwest::Response {
    let token = link.split_once("token=").expect("a token").1;
    let form = [
        ("token", token),
        ("first_name", "Ann"),
        ("last_name", "Lee"),
        ("email", email),
    ];
    client
        .post(server.url("/setup"))
        .form(&form)
        .send()
        .await
        .expect("setup")
}

/// The value of the cookie `name` that `response` sets.
fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .cookies()
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie set"))
}

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

#[tokio::test]
async fn first_start_prints_a_setup_link_that_creates_the_first_admin_once() {
    let home = Home::new();
    let server = Server::start(&home).await;

    let link = server.create_first_admin("ann@example.org").await;
    let mail = home.new_mail(&[]).await;

    assert_eq!(mail.header("To"), "ann@example.org");
    assert_eq!(mail.header("Subject"), "You are invited to Wayfinder");
    let (code, token) = mail.secrets();
    let file = eml_files(&home.outbox()).remove(0);
    let file_name = file.file_name().unwrap().to_str().unwrap().to_owned();
    let console = eventually("the console line of the message", 10, || {
        let (_, stderr) = server.console();
        stderr.contains(&file_name).then_some(stderr)
    })
    .await;
    assert!(
        !console.contains('\u{1b}'),
        "plain text, no colour codes: {console:?}"
    );
    let line = console.lines().find(|l| l.contains(&file_name)).unwrap();
    assert!(line.contains("ann@example.org"), "{line}");
    assert!(line.contains("You are invited to Wayfinder"), "{line}");
    let console_files = [server.stdout.clone(), server.stderr.clone()];
    let secrets = [Secret::Code(code), Secret::Token(token)];
    assert_eq!(leaks(&console_files, &secrets), []);
    assert!(!console.contains("/sign-in/link"), "{console}");

    let again = server.client().get(&link).send().await.unwrap();
    assert_eq!(again.status(), 400);
    let second = post_setup(&server.client(), &server, &link, "eve@example.org").await;
    assert_eq!(second.status(), 400);
}

#[tokio::test]
async fn no_code_token_or_session_id_is_stored_or_logged_in_clear() {
    let home = Home::new();
    let server = Server::start(&home).await;
    let setup_link = server.create_first_admin("ann@example.org").await;
    let setup_token = setup_link.split_once("token=").unwrap().1.to_owned();
    let invitation = home.new_mail(&[]).await;
    let (invitation_code, invitation_token) = invitation.secrets();

    // Invitation code, on a device that never asked for it.
    let first = server.client();
    let verified = first
        .post(server.url("/api/v1/auth/verify"))
        .json(&json!({ "email": "ann@example.org", "code": invitation_code }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let first_session = cookie(&verified, "wayfinder_session");
    let body: Value = verified.json().await.unwrap();
    sign_out(&server, &first, body["csrf_token"].as_str().unwrap()).await;

    // A sign-in email from another browser, used by its link.
    let second = server.client();
    let known = eml_files(&home.outbox());
    let requested = second
        .post(server.url("/api/v1/auth/sign-in"))
        .json(&json!({ "email": "ann@example.org" }))
        .send()
        .await
        .unwrap();
    assert_eq!(requested.status(), 202);
    let pending = cookie(&requested, "wayfinder_pending");
    let (code, token) = home.new_mail(&known).await.secrets();
    let link = server.url(&format!("/sign-in/link?token={token}"));
    assert_eq!(second.get(&link).send().await.unwrap().status(), 200);
    let confirmed = second
        .post(server.url("/sign-in/link"))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    let second_session = cookie(&confirmed, "wayfinder_session");
    let me: Value = second
        .get(server.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    sign_out(&server, &second, me["csrf_token"].as_str().unwrap()).await;

    let secrets = [
        Secret::Code(invitation_code),
        Secret::Code(code),
        Secret::Token(invitation_token),
        Secret::Token(token),
        Secret::Token(first_session),
        Secret::Token(second_session),
        Secret::Token(pending),
    ];
    let database = files_under(&home.data(), &["outbox"]);
    let console = [server.stdout.clone(), server.stderr.clone()];
    let setup = [Secret::Token(setup_token.clone())];
    assert_eq!(leaks(&database, &secrets), [], "while running");
    assert_eq!(leaks(&database, &setup), [], "while running");
    assert_eq!(leaks(&console, &secrets), [], "on the console");

    assert!(server.terminate().await.success());
    let database = files_under(&home.data(), &["outbox"]);
    assert_eq!(leaks(&database, &secrets), [], "after shutdown");
    assert_eq!(leaks(&database, &setup), [], "after shutdown");
}

async fn sign_out(server: &Server, client: &reqwest::Client, csrf: &str) {
    let response = client
        .post(server.url("/api/v1/auth/sign-out"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn admin_create_prints_the_new_id_and_refuses_a_duplicate_email() {
    let home = Home::new();

    let created = home.admin_create("Bea@Example.org").await;

    assert!(created.status.success(), "{}", stderr_of(&created));
    let id = stdout_of(&created);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id:?} is not a UUID");
    let mail = RawMail::read(&eml_files(&home.outbox())[0]);
    assert_eq!(mail.header("To"), "bea@example.org");
    let (code, _) = mail.secrets();
    assert_eq!(code.len(), 6);

    let duplicate = home.admin_create(" BEA@example.ORG").await;

    assert!(!duplicate.status.success());
    assert_eq!(stdout_of(&duplicate), "");
    let message = stderr_of(&duplicate);
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(eml_files(&home.outbox()).len(), 1);
    assert_eq!(sqlite3_ok(&home.db(), "SELECT count(*) FROM users"), "1");
}

/// A home with some audited activity: two administrators created at the command line.
async fn home_with_activity() -> Home {
    let home = Home::new();
    for email in ["bea@example.org", "cy@example.org"] {
        assert!(home.admin_create(email).await.status.success());
    }
    let verified = home.audit_verify().await;
    assert!(verified.status.success(), "{}", stdout_of(&verified));
    home
}

#[tokio::test]
async fn audit_verify_detects_an_edited_event() {
    let home = home_with_activity().await;
    let edited = "DROP TRIGGER audit_events_no_update;
        UPDATE audit_events SET outcome = 'denied' WHERE seq = 2;";
    sqlite3_ok(&home.db(), edited);

    let verified = home.audit_verify().await;

    assert!(!verified.status.success());
    let report = stdout_of(&verified);
    assert!(report.contains("seq 2"), "{report}");
}

#[tokio::test]
async fn audit_verify_detects_a_deleted_newest_event() {
    let home = home_with_activity().await;
    let newest = sqlite3_ok(&home.db(), "SELECT max(seq) FROM audit_events");
    let deleted = "DROP TRIGGER audit_events_no_delete;
        DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events);";
    sqlite3_ok(&home.db(), deleted);

    let verified = home.audit_verify().await;

    assert!(!verified.status.success());
    let report = stdout_of(&verified);
    assert!(report.contains(&format!("seq {newest}")), "{report}");
}

#[tokio::test]
async fn audit_verify_with_another_secret_says_the_key_is_wrong() {
    let home = home_with_activity().await;

    let verified = home
        .command(&["audit", "verify"])
        .env("WAYFINDER_SECRET_KEY", "ab".repeat(32))
        .output()
        .await
        .expect("run the binary");

    assert!(!verified.status.success());
    let report = stdout_of(&verified);
    assert!(report.contains("wrong key"), "{report}");
}

#[tokio::test]
async fn serve_exits_cleanly_on_sigterm() {
    let home = Home::new();
    let server = Server::start(&home).await;

    let started = std::time::Instant::now();
    let status = server.terminate().await;

    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_direct_update_cannot_change_an_email() {
    let home = Home::new();
    assert!(home.admin_create("bea@example.org").await.status.success());

    let update = sqlite3(&home.db(), "UPDATE users SET email = 'eve@example.org';");

    assert!(!update.status.success());
    let message = stderr_of(&update);
    assert!(message.contains("users_email_immutable"), "{message}");
    let email = sqlite3_ok(&home.db(), "SELECT email FROM users");
    assert_eq!(email, "bea@example.org");
}
