//! The command line: every setting is a flag that can also come from an environment variable.

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "wayfinder",
    version,
    about = "Connects people leaving prison with community services"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the web server (dashboard, kiosk and API).
    Serve(ServeArgs),
    /// Manages administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fills an empty database with realistic demo data.
    Demo {
        /// How many kiosk sessions to generate over the last 90 days.
        #[arg(long, default_value_t = 2000)]
        sessions: usize,
        /// How many extra User accounts to add (for trying the users grid at scale).
        #[arg(long, default_value_t = 0)]
        users: usize,
        /// Seed of the random generator, for a repeatable world.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        storage: StorageArgs,
        /// The address people use, for the station link printed at the end (default: http://
        /// + the default listen address).
        #[arg(long, env = "WAYFINDER_BASE_URL")]
        base_url: Option<String>,
    },
    /// Manages kiosk stations.
    Station {
        #[command(subcommand)]
        command: StationCommand,
    },
    /// Works with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Creates an administrator and queues their invitation; prints the new user's id.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        #[command(flatten)]
        storage: StorageArgs,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StationCommand {
    /// Creates a kiosk station and prints its link (shown this once), so that a fresh
    /// installation can open a kiosk without the dashboard.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        storage: StorageArgs,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Checks the hash chain: exit 0 when intact, non-zero with the first bad seq otherwise.
    Verify {
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// Where the data lives; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the SQLite file, the server secret and the mail outbox.
    #[arg(long, env = "WAYFINDER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite:…`; default: a SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<SecretString>,
    /// 64 hex characters shared by all instances on one database; default: generated into
    /// the data directory on first start.
    #[arg(long, env = "WAYFINDER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<SecretString>,
}

/// How the site is reached and how it sends mail; needed wherever links or mail are made.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// The address people use, for links in emails (default: http:// + the listen address).
    #[arg(long, env = "WAYFINDER_BASE_URL")]
    pub base_url: Option<String>,
    /// `file:<dir>` (default `file:<data-dir>/outbox`), or an `smtp://` / `smtps://` URL.
    #[arg(long, env = "WAYFINDER_MAIL", hide_env_values = true)]
    pub mail: Option<SecretString>,
    /// The time zone of report date ranges and report times (an IANA name such as
    /// `Australia/Sydney`).
    #[arg(long, env = "WAYFINDER_TIMEZONE", default_value = "UTC")]
    pub timezone: String,
    /// The sender of every message.
    #[arg(
        long,
        env = "WAYFINDER_MAIL_FROM",
        default_value = "Wayfinder <wayfinder@localhost>"
    )]
    pub mail_from: String,
    /// Seconds one delivery attempt may take in all (connection, greeting, every reply); a
    /// relay that stalls longer is given up on, and the message is retried later.
    #[arg(long, env = "WAYFINDER_MAIL_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub mail_timeout_seconds: u64,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[arg(long, env = "WAYFINDER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub site: SiteArgs,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "WAYFINDER_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u32,
    /// Hours after sign-in after which a session ends, active or not.
    #[arg(long, env = "WAYFINDER_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    #[arg(long, env = "WAYFINDER_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What slow or greedy clients may take from the server.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Seconds a client has to send a request's header (also how long an idle connection stays).
    #[arg(long, env = "WAYFINDER_HEADER_TIMEOUT_SECONDS", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_seconds: u64,
    /// Seconds a client has, after the header, to send a request's body.
    #[arg(long, env = "WAYFINDER_REQUEST_TIMEOUT_SECONDS", default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_seconds: u64,
    /// The largest request header in KiB; a larger one is answered `431`.
    #[arg(long, env = "WAYFINDER_MAX_HEADER_KIB", default_value_t = 16,
        value_parser = clap::value_parser!(u64).range(8..=1024))]
    pub max_header_kib: u64,
    /// Open connections at most; more wait until one ends.
    #[arg(long, env = "WAYFINDER_MAX_CONNECTIONS", default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_connections: u64,
    /// Seconds open requests get to finish after SIGTERM before they are dropped.
    #[arg(long, env = "WAYFINDER_SHUTDOWN_TIMEOUT_SECONDS", default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub shutdown_timeout_seconds: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> crate::config::ServerLimits {
        use std::time::Duration;
        crate::config::ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_timeout_seconds),
            request_timeout: Duration::from_secs(self.request_timeout_seconds),
            // The ranges above keep these far inside `usize` on every target.
            max_header_bytes: usize::try_from(self.max_header_kib * 1024).unwrap_or(16 * 1024),
            max_connections: usize::try_from(self.max_connections).unwrap_or(1000),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout_seconds),
        }
    }
}
