//! Mail: messages are queued in the database in the same transaction as the action that causes
//! them, sealed (encrypted) so that no sign-in secret lies in the queue in clear, and delivered by
//! a background worker through one of the transports.

pub mod ics;
pub mod instance;
pub mod templates;
pub mod transport;
pub mod worker;

use crate::AppState;
use anyhow::Context;
use domain::{EmailAddress, UserId};
use serde::{Deserialize, Serialize};
use store::{NewMail, StoreResult, Tx};

/// A message ready to queue.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: EmailAddress,
    pub subject: String,
    pub body: Body,
    /// The user whose sign-in secret the message carries: queuing it cancels their older
    /// message of that kind still waiting, whose code is dead.
    pub secret_of: Option<UserId>,
}

/// The parts of a message; sealed together in the queue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Body {
    /// The plain-text part, always present.
    pub text: String,
    pub html: Option<String>,
    /// Files sent with the message (a booking's `.ics`); sealed with the rest, so erased with
    /// the body once the message is delivered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A text file attached to a message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// The full `Content-Type`, parameters included (`text/calendar; method=PUBLISH`).
    pub content_type: String,
    pub content: String,
}

/// Queues `email` inside `tx`; it is sent only if the transaction commits.
pub async fn queue(tx: &mut dyn Tx, state: &AppState, email: Email) -> StoreResult<()> {
    let body = serde_json::to_vec(&email.body).expect("a body always serialises");
    let id = uuid::Uuid::new_v4();
    tx.enqueue_mail(&NewMail {
        id,
        recipient: email.to.to_string(),
        subject: email.subject,
        body_sealed: state.keys.seal(&body),
        created_at: state.now(),
        message_id: message_id(id, &state.config.mail_from),
        secret_of: email.secret_of,
    })
    .await
}

/// `<id@sender's domain>`: unique, and under a domain this site sends from (RFC 5322 §3.6.4).
pub fn message_id(id: uuid::Uuid, from: &lettre::message::Mailbox) -> String {
    format!("<{id}@{}>", from.email.domain())
}

/// Opens a sealed body taken from the queue.
pub fn open_body(state: &AppState, sealed: &[u8]) -> anyhow::Result<Body> {
    let plain = state
        .keys
        .open(sealed)
        .context("a queued message cannot be opened with this server's secret")?;
    Ok(serde_json::from_slice(&plain)?)
}
