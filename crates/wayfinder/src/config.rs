//! Settings resolved from the command line into what the application runs with.

use crate::cli::{SiteArgs, StorageArgs};
use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::path::PathBuf;
use time::Duration;

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum MailSetting {
    /// One `.eml` file per message in this directory, plus a console line.
    Files(PathBuf),
    /// An SMTP server (`smtp://` STARTTLS, `smtps://` TLS); the URL may hold credentials.
    Smtp(SecretString),
}

/// The running configuration. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address people use, without a trailing slash; links in emails are built from it.
    pub base_url: String,
    /// `scheme://host[:port]` of the base URL, which `Origin` headers must match.
    pub origin: String,
    pub https: bool,
    pub data_dir: PathBuf,
    pub database_url: SecretString,
    /// The shared server secret, when given instead of the data directory's file.
    pub secret_key: Option<SecretString>,
    pub mail: MailSetting,
    pub mail_from: lettre::message::Mailbox,
    /// The hard deadline of one delivery attempt.
    pub mail_timeout: std::time::Duration,
    /// Report date ranges are whole days here, and report times are shown here.
    pub timezone: jiff::tz::TimeZone,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub trust_proxy: bool,
    pub limits: ServerLimits,
}

/// What slow or greedy clients may take from the server (SPEC §13).
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// A request's header must arrive within this; an idle kept-alive connection ends after it.
    pub header_read_timeout: std::time::Duration,
    /// A request's body must have arrived this long after its header. Handling the request and
    /// writing the response (a long streamed download) have no deadline.
    pub request_timeout: std::time::Duration,
    /// The largest request header (request line and fields); a larger one gets `431`.
    pub max_header_bytes: usize,
    /// Open connections at most; more wait in the listen backlog until one ends.
    pub max_connections: usize,
    /// After a shutdown signal, open requests get this long to finish before being dropped.
    pub shutdown_timeout: std::time::Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
            max_header_bytes: 16 * 1024,
            max_connections: 1000,
            shutdown_timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl Config {
    /// Resolves the settings; `listen` gives the default base URL.
    pub fn resolve(
        storage: &StorageArgs,
        site: &SiteArgs,
        listen: SocketAddr,
    ) -> anyhow::Result<Self> {
        let base = site
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{listen}"));
        let url = url::Url::parse(&base).with_context(|| format!("invalid base URL {base:?}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!("the base URL must be an http:// or https:// address, not {base:?}");
        }
        if url.path() != "/" || url.query().is_some() {
            bail!("the base URL must be the root of a site (no path or query), not {base:?}");
        }
        let origin = url.origin().ascii_serialization();
        let mail = match &site.mail {
            None => MailSetting::Files(storage.data_dir.join("outbox")),
            Some(setting) => {
                let text = setting.expose_secret();
                if let Some(dir) = text.strip_prefix("file:") {
                    MailSetting::Files(PathBuf::from(dir))
                } else if text.starts_with("smtp://") || text.starts_with("smtps://") {
                    MailSetting::Smtp(setting.clone())
                } else {
                    bail!("WAYFINDER_MAIL must be file:<dir>, smtp://… or smtps://…");
                }
            }
        };
        let database_url = match &storage.database_url {
            Some(url) => url.clone(),
            None => SecretString::from(format!(
                "sqlite://{}",
                storage.data_dir.join("wayfinder.db").display()
            )),
        };
        Ok(Self {
            base_url: origin.clone(),
            https: url.scheme() == "https",
            origin,
            data_dir: storage.data_dir.clone(),
            database_url,
            secret_key: storage.secret_key.clone(),
            mail,
            mail_from: site
                .mail_from
                .parse()
                .with_context(|| format!("invalid sender address {:?}", site.mail_from))?,
            mail_timeout: std::time::Duration::from_secs(site.mail_timeout_seconds),
            timezone: jiff::tz::TimeZone::get(&site.timezone)
                .with_context(|| format!("unknown time zone {:?}", site.timezone))?,
            session_idle: Duration::minutes(30),
            session_max: Duration::hours(12),
            trust_proxy: false,
            limits: ServerLimits::default(),
        })
    }

    /// An absolute link to a path of this site.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url, path_and_query)
    }
}
