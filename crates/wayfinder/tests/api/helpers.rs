//! The test harness: a real server on a loopback socket with a fresh database (a temp SQLite
//! file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), a clock that tests move,
//! and a mailer that keeps messages in memory.

use domain::{Role, User};
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use wayfinder::AppState;
use wayfinder::clock::ManualClock;
use wayfinder::config::{Config, MailSetting};
use wayfinder::mail::transport::{Memory, Outgoing, Transport};
use wayfinder::service::accounts::{self, NewAccountInput};

pub struct TestApp {
    /// `http://127.0.0.1:PORT`, also the base URL.
    pub address: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub mail: Memory,
    /// Where this instance delivers mail (`mail` for most tests).
    transport: Arc<dyn Transport>,
    /// The data directory: the database file (SQLite), the secret key and the outbox.
    pub dir: tempfile::TempDir,
    /// Shared with siblings; the database goes when the last of them does.
    pub database: Arc<TestDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A fixed, round start time, so that tests read easily.
pub fn start_time() -> OffsetDateTime {
    time::macros::datetime!(2026-03-02 09:00 UTC)
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Memory::default()).await
    }

    /// Spawns with other limits on slow or greedy clients.
    pub async fn spawn_with_limits(limits: wayfinder::config::ServerLimits) -> TestApp {
        let memory = Memory::default();
        let transport = Arc::new(memory.clone());
        let mut app = Self::spawn_configured(transport, |config| config.limits = limits).await;
        app.mail = memory;
        app
    }

    /// Spawns with another mail transport (SMTP tests); `mail` then stays empty.
    pub async fn spawn_with_transport(transport: Arc<dyn Transport>) -> TestApp {
        Self::spawn_configured(transport, |_| {}).await
    }

    /// Spawns with another mail transport and settings changed by `edit`.
    pub async fn spawn_configured(
        transport: Arc<dyn Transport>,
        edit: impl FnOnce(&mut Config),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let database = Arc::new(TestDatabase::create(dir.path()).await);
        let mut config = test_config(&address, dir.path());
        config.database_url = SecretString::from(database.url.clone());
        edit(&mut config);
        let clock = Arc::new(ManualClock::new(start_time()));
        Self::launch(config, clock, transport, dir, database, listener).await
    }

    /// A second instance on the same database, as behind a load balancer: the same base URL
    /// and secret key (given as `WAYFINDER_SECRET_KEY` would give it), its own data directory
    /// and port. It shares this instance's clock, so that both see one time, and its memory
    /// mailer, so that a message delivered twice would show.
    pub async fn spawn_sibling(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut config = test_config(&self.state.config.base_url, dir.path());
        config.database_url = SecretString::from(self.database.url.clone());
        let key = std::fs::read_to_string(self.dir.path().join("secret.key")).expect("secret key");
        config.secret_key = Some(SecretString::from(key.trim().to_owned()));
        let transport = Arc::new(self.mail.clone());
        let mut app = Self::launch(
            config,
            self.clock.clone(),
            transport,
            dir,
            self.database.clone(),
            listener,
        )
        .await;
        app.mail = self.mail.clone();
        app
    }

    async fn launch(
        config: Config,
        clock: Arc<ManualClock>,
        transport: Arc<dyn Transport>,
        dir: tempfile::TempDir,
        database: Arc<TestDatabase>,
        listener: TcpListener,
    ) -> TestApp {
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let state = wayfinder::startup::build_state(config, clock.clone())
            .await
            .expect("state");
        let (shutdown, server) = start_server(&state, listener, transport.clone());
        TestApp {
            address,
            state,
            clock,
            mail: Memory::default(),
            transport,
            dir,
            database,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Stops this instance and starts it again on the same data directory, database, clock and
    /// transport, on a new port, as a restarted process would be.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        self.address = format!("http://{}", listener.local_addr().expect("address"));
        let config = (*self.state.config).clone();
        self.state = wayfinder::startup::build_state(config, self.clock.clone())
            .await
            .expect("state");
        let (shutdown, server) = start_server(&self.state, listener, self.transport.clone());
        (self.shutdown, self.server) = (Some(shutdown), Some(server));
    }

    async fn spawn_with(memory: Memory) -> TestApp {
        let mut app = Self::spawn_with_transport(Arc::new(memory.clone())).await;
        app.mail = memory;
        app
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
    }

    pub fn clock_now(&self) -> OffsetDateTime {
        use wayfinder::clock::Clock;
        self.clock.now()
    }

    /// A URL of this instance (its own port, whatever the shared base URL).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A client with its own cookie jar (a browser), which does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert(
            "origin",
            // The site's origin, which a sibling shares with the instance it was spawned from.
            HeaderValue::from_str(&self.state.config.origin).expect("origin"),
        );
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// Creates an account directly through the service, as an administrator would, and waits
    /// for its invitation to be delivered.
    pub async fn create_user(&self, email: &str, role: Role) -> User {
        let before = self.emails_to(email).len();
        let input = NewAccountInput {
            email: email.into(),
            first_name: "Test".into(),
            last_name: role.label().into(),
        };
        let account = input.parse().expect("valid input");
        let mut tx = self.state.store.begin().await.expect("begin");
        let actor = domain::audit::Actor::Cli;
        let user = accounts::create_with_invitation(
            tx.as_mut(),
            &self.state,
            &actor,
            account,
            role,
            false,
        )
        .await
        .expect("create");
        tx.commit(accounts::created_event(&actor, &user))
            .await
            .expect("commit");
        self.state.mail_wakeup.notify_one();
        self.wait_for_email(user.email.as_str(), before + 1).await;
        user
    }

    /// Messages delivered to `to` so far.
    pub fn emails_to(&self, to: &str) -> Vec<Outgoing> {
        self.mail
            .messages()
            .into_iter()
            .filter(|m| m.to == to)
            .collect()
    }

    /// Waits (20 s at most: a loaded 2-core CI machine can be slow) until `to` has received
    /// `count` messages; returns the last.
    pub async fn wait_for_email(&self, to: &str, count: usize) -> Outgoing {
        for _ in 0..800 {
            let mails = self.emails_to(to);
            if mails.len() >= count {
                return mails[count - 1].clone();
            }
            self.state.mail_wakeup.notify_one();
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no email number {count} to {to} arrived");
    }

    /// Requests a sign-in email from `client` and returns the code and link token it carries.
    pub async fn request_code(&self, client: &reqwest::Client, email: &str) -> (String, String) {
        let canonical = domain::EmailAddress::parse(email)
            .expect("valid email")
            .to_string();
        let before = self.emails_to(&canonical).len();
        let response = client
            .post(self.url("/api/v1/auth/sign-in"))
            .json(&serde_json::json!({ "email": email }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
        let mail = self.wait_for_email(&canonical, before + 1).await;
        secrets_in(&mail)
    }

    /// Signs in as a new account of `role`; returns the client and its CSRF token.
    pub async fn sign_in_as(&self, email: &str, role: Role) -> (reqwest::Client, String) {
        self.create_user(email, role).await;
        let client = self.client();
        let (code, _) = self.request_code(&client, email).await;
        let response = client
            .post(self.url("/api/v1/auth/verify"))
            .json(&serde_json::json!({ "email": email, "code": code }))
            .send()
            .await
            .expect("verify");
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        let csrf = body["csrf_token"].as_str().expect("csrf token").to_owned();
        (client, csrf)
    }
}

type Server = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
);

/// Serves `state` on `listener` until the sender is used or dropped.
fn start_server(state: &AppState, listener: TcpListener, transport: Arc<dyn Transport>) -> Server {
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let server_state = state.clone();
    let server = tokio::spawn(async move {
        wayfinder::startup::serve(server_state, listener, transport, async {
            let _ = stopped.await;
        })
        .await
        .expect("server");
    });
    (shutdown, server)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The 6-digit code and the link token in a sign-in or invitation email's plain text.
pub fn secrets_in(mail: &Outgoing) -> (String, String) {
    let code = mail
        .text
        .split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("a 6-digit code")
        .to_owned();
    let token = mail
        .text
        .split_whitespace()
        .find_map(|w| {
            w.split_once("/sign-in/link?token=")
                .map(|(_, t)| t.to_owned())
        })
        .expect("a magic link");
    (code, token)
}

pub fn test_config(address: &str, dir: &std::path::Path) -> Config {
    let database_url = format!("sqlite://{}", dir.join("wayfinder.db").display());
    Config {
        base_url: address.to_owned(),
        origin: address.to_owned(),
        https: false,
        data_dir: dir.to_owned(),
        database_url: SecretString::from(database_url),
        secret_key: None,
        mail: MailSetting::Files(dir.join("outbox")),
        mail_from: "Wayfinder <wayfinder@example.org>"
            .parse()
            .expect("mailbox"),
        mail_timeout: Duration::from_secs(2),
        timezone: jiff::tz::TimeZone::UTC,
        session_idle: time::Duration::minutes(30),
        session_max: time::Duration::hours(12),
        trust_proxy: false,
        limits: wayfinder::config::ServerLimits::default(),
    }
}

/// A fresh, empty database for one test: a SQLite file in the test's directory, or, when
/// `TEST_DATABASE_URL` names a PostgreSQL server, a new database there that is dropped with
/// this value. A server that cannot be reached fails the test: it never falls back to SQLite.
pub struct TestDatabase {
    pub url: String,
    /// The server URL and the name of the database created on it.
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(dir: &std::path::Path) -> TestDatabase {
        let Some(server) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        else {
            let url = format!("sqlite://{}", dir.join("wayfinder.db").display());
            return TestDatabase {
                url,
                postgres: None,
            };
        };
        let name = format!("wf_{}", uuid::Uuid::new_v4().simple());
        store::admin::create_postgres_database(&server, &name)
            .await
            .unwrap_or_else(|e| {
                panic!("TEST_DATABASE_URL is set, but creating {name} failed: {e}")
            });
        let mut url = url::Url::parse(&server).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        TestDatabase {
            url: url.to_string(),
            postgres: Some((server, name)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// The URL of this test's PostgreSQL database, if the run uses PostgreSQL.
    pub fn postgres_url(&self) -> Option<&str> {
        self.is_postgres().then_some(self.url.as_str())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on itself: a thread with a
        // runtime of its own drops the database (ending the connections still open to it).
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let result = runtime.block_on(store::admin::drop_postgres_database(&server, &name));
            result.map_err(|e| format!("{name}: {e}"))
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop the test database {error}");
        }
    }
}
