//! Where delivered mail goes: an SMTP server, a directory of `.eml` files, or memory (tests).

use crate::config::{Config, MailSetting};
use anyhow::Context;
use async_trait::async_trait;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A message at delivery time, its secrets in clear only in memory.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: uuid::Uuid,
    /// `<…>`, the same at every delivery of the message, so that a receiving server can drop
    /// a duplicate.
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<super::Attachment>,
}

impl Outgoing {
    /// The RFC 5322 message as it goes out from `from`.
    pub fn to_message(&self, from: &Mailbox) -> anyhow::Result<Message> {
        let builder = Message::builder()
            .from(from.clone())
            .to(self.to.parse().context("invalid recipient")?)
            .subject(&self.subject)
            .message_id(Some(self.message_id.clone()));
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(plain_body(&self.text));
        let parts = match (&self.html, self.attachments.is_empty()) {
            (None, true) => return Ok(builder.singlepart(text)?),
            (None, false) => MultiPart::mixed().singlepart(text),
            (Some(html), no_files) => {
                let alternative = MultiPart::alternative()
                    .singlepart(text)
                    .singlepart(SinglePart::html(html.clone()));
                if no_files {
                    return Ok(builder.multipart(alternative)?);
                }
                MultiPart::mixed().multipart(alternative)
            }
        };
        let parts = self.attachments.iter().try_fold(parts, |parts, file| {
            let kind = ContentType::parse(&file.content_type).context("attachment type")?;
            let part = lettre::message::Attachment::new(file.filename.clone())
                .body(file.content.clone(), kind);
            anyhow::Ok(parts.singlepart(part))
        })?;
        Ok(builder.multipart(parts)?)
    }
}

/// The plain-text part unencoded (7bit, or 8bit for non-ASCII names) whenever every line fits
/// RFC 5322's 998 characters, so that the link and the code stand in the message exactly as
/// written: lettre would otherwise quote-print lines over 76 characters, splitting the link.
fn plain_body(text: &str) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    if crlf.split("\r\n").any(|line| line.len() > 998) || crlf.contains('\0') {
        return Body::new(text.to_owned());
    }
    let encoding = if crlf.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
}

#[async_trait]
pub trait Transport: Send + Sync + 'static {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()>;
}

/// Builds the transport that the configuration names.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn Transport>> {
    let from = config.mail_from.clone();
    Ok(match &config.mail {
        MailSetting::Files(dir) => Arc::new(Files {
            dir: dir.clone(),
            from,
        }),
        MailSetting::Smtp(url) => {
            Arc::new(Smtp::new(url.expose_secret(), from, config.mail_timeout)?)
        }
    })
}

/// One RFC 5322 file per message, plus a console line without the secrets.
pub struct Files {
    pub dir: PathBuf,
    pub from: Mailbox,
}

#[async_trait]
impl Transport for Files {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()> {
        let message = mail.to_message(&self.from)?;
        tokio::fs::create_dir_all(&self.dir)
            .await
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let path = self.dir.join(format!("{stamp}-{}.eml", mail.id));
        let temporary = path.with_extension("eml.part");
        tokio::fs::write(&temporary, message.formatted()).await?;
        // Renamed into place, so a reader never sees half a message.
        tokio::fs::rename(&temporary, &path).await?;
        tracing::info!(to = %mail.to, subject = %mail.subject, file = %path.display(), "mail written");
        Ok(())
    }
}

/// An SMTP relay: `smtp://` requires STARTTLS, `smtps://` speaks TLS from the start, and
/// `smtp://…?tls=none` sends in clear (only for a relay on the same host).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `timeout` bounds each network step inside lettre; the worker bounds the whole attempt.
    pub fn new(url: &str, from: Mailbox, timeout: Duration) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url).context("invalid SMTP URL")?;
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        if parsed.scheme() == "smtp" {
            let others: Vec<(String, String)> = parsed
                .query_pairs()
                .filter(|(k, _)| k != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mode = match tls.as_deref() {
                None | Some("required") => Some("required"),
                Some("opportunistic") => Some("opportunistic"),
                Some("none") => None,
                Some(other) => anyhow::bail!("unknown SMTP tls mode {other:?}"),
            };
            parsed.set_query(None);
            let mut pairs = parsed.query_pairs_mut();
            pairs.extend_pairs(others);
            if let Some(mode) = mode {
                pairs.append_pair("tls", mode);
            }
            drop(pairs);
        }
        let url = parsed.as_str().trim_end_matches('?').to_owned();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .context("invalid SMTP URL")?
            .timeout(Some(timeout))
            .build();
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Transport for Smtp {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()> {
        let message = mail.to_message(&self.from)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Keeps messages in memory, for tests.
#[derive(Default, Clone)]
pub struct Memory(pub Arc<Mutex<Vec<Outgoing>>>);

impl Memory {
    pub fn messages(&self) -> Vec<Outgoing> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[async_trait]
impl Transport for Memory {
    async fn send(&self, mail: &Outgoing) -> anyhow::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(mail.clone());
        Ok(())
    }
}
