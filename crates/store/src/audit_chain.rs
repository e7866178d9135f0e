//! The audit log's hash chain: each event's hash is an HMAC over the previous hash and the event's
//! canonical content, keyed with a server secret, so that editing, removing or re-forging events
//! without the key is detectable.

use crate::{Store, StoreResult};
use domain::audit::NewAuditEvent;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

/// The key of the chain's HMAC, derived from the server secret.
#[derive(Clone)]
pub struct AuditKey(pub [u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

/// The hash that precedes the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// An event as stored in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditEvent {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    /// JSON text, hashed exactly as stored.
    pub details: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl StoredAuditEvent {
    /// The hash this event must carry, given the hash before it.
    pub fn compute_hash(&self, key: &AuditKey, prev_hash: &[u8]) -> Vec<u8> {
        let content = serde_json::json!([
            self.seq,
            // Microseconds: the precision both databases keep.
            (self.at.unix_timestamp_nanos() / 1000).to_string(),
            self.actor_id,
            self.actor_label,
            self.action,
            self.target_kind,
            self.target_id,
            self.target_label,
            self.outcome,
            self.ip,
            self.details,
        ]);
        let mut mac = Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC takes any key length");
        mac.update(prev_hash);
        mac.update(content.to_string().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at seq {seq}: {reason}")]
pub struct ChainBroken {
    pub seq: i64,
    pub reason: &'static str,
}

/// Walks the whole chain; returns how many events it holds, or the first bad one.
pub async fn verify(store: &dyn Store) -> StoreResult<Result<i64, ChainBroken>> {
    const PAGE: i64 = 1000;
    let key = store.audit_key().clone();
    // The head first: every event up to it was committed with it, and events a running server
    // appends meanwhile lie beyond it and wait for the next check.
    let (head_seq, head_hash) = store.audit_head().await?;
    let broken = |seq, reason| Ok(Err(ChainBroken { seq, reason }));
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_vec();
    while expected_seq <= head_seq {
        let limit = PAGE.min(head_seq - expected_seq + 1);
        let events = store.audit_events_after(expected_seq - 1, limit).await?;
        if events.is_empty() {
            return broken(expected_seq, "events at the end of the chain are missing");
        }
        for event in events {
            if event.seq != expected_seq {
                return broken(expected_seq, "an event before this one is missing");
            }
            if event.prev_hash != prev {
                return broken(event.seq, "the previous hash does not match");
            }
            if event.compute_hash(&key, &prev) != event.hash {
                if !any_event_verifies(store, &key, event.seq).await? {
                    return broken(event.seq, WRONG_KEY);
                }
                return broken(event.seq, "the event's content was changed");
            }
            prev = event.hash;
            expected_seq += 1;
        }
    }
    if head_hash != prev {
        return broken(head_seq, "the chain head does not match the last event");
    }
    Ok(Ok(head_seq))
}

/// What `verify` says when no event at all matches its hash under the key.
pub const WRONG_KEY: &str = "wrong key: no event verifies with this server secret (check \
    WAYFINDER_SECRET_KEY or the data directory's secret.key), or every event was changed";

/// Whether any of the events from `seq` on (up to a thousand) carries the hash that this key
/// gives it. An edited event breaks only itself, so the events after it still verify; with the
/// wrong key none does.
async fn any_event_verifies(store: &dyn Store, key: &AuditKey, seq: i64) -> StoreResult<bool> {
    let events = store.audit_events_after(seq - 1, 1000).await?;
    Ok(events
        .iter()
        .any(|event| event.compute_hash(key, &event.prev_hash) == event.hash))
}

impl StoredAuditEvent {
    /// The stored form of a new event at `seq`, its hash not yet computed.
    pub(crate) fn from_new(seq: i64, event: NewAuditEvent, prev_hash: Vec<u8>) -> Self {
        Self {
            seq,
            // Truncated to what both databases keep, so the hash survives a round trip.
            at: event
                .at
                .replace_nanosecond(event.at.nanosecond() / 1000 * 1000)
                .unwrap_or(event.at),
            actor_id: event.actor.id().map(|id| id.to_string()),
            actor_label: event.actor.label(),
            action: event.action.as_str().to_owned(),
            target_kind: event.target_kind.map(str::to_owned),
            target_id: event.target_id,
            target_label: event.target_label,
            outcome: event.outcome.to_owned(),
            ip: event.ip,
            details: event.details.to_string(),
            prev_hash,
            hash: Vec::new(),
        }
    }
}
