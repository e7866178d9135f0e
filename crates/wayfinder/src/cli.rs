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
}
