//! The delivery worker: leases due messages, sends them, and retries failures with exponential
//! backoff. Several workers (instances) can run on one database: a lease gives each message to
//! one of them at a time.
//!
//! Every attempt has a hard deadline, and a few run at once, so a relay that stalls holds one
//! slot for at most the deadline while the other messages (sign-in codes) still go out.

use super::instance::Owner;
use super::transport::{Outgoing, Transport};
use crate::AppState;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::collections::HashSet;
use std::sync::Arc;
use time::Duration;
use tokio::sync::watch;

/// Deliveries under way at once per instance.
pub const IN_FLIGHT: usize = 4;
/// How long a lease outlives the attempt's deadline (time to record the outcome); another
/// worker may retry the message after that.
const LEASE_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);
/// How often to look for due messages without being woken.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// The delay before retry number `attempts` (1-based): 5 s, 10 s, 20 s … at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    Duration::seconds(5 * (1i64 << exponent)).min(Duration::hours(1))
}

/// Runs until `shutdown` changes; then lets the deliveries under way finish (each within its
/// deadline), so that no lease is left behind.
pub async fn run(
    state: AppState,
    transport: Arc<dyn Transport>,
    mut shutdown: watch::Receiver<bool>,
) {
    let owner = Owner::of_data_dir(&state.config.data_dir);
    take_back_past_leases(&state, &owner).await;
    let mut in_flight = FuturesUnordered::new();
    // The ids under way: a lease can run out while its attempt is still going (a clock that
    // jumped), and this worker must not take the same message a second time meanwhile.
    let mut sending = HashSet::new();
    loop {
        let free = IN_FLIGHT - in_flight.len();
        if free > 0 {
            match claim(&state, &owner, free).await {
                Ok(batch) => {
                    for queued in batch.into_iter().filter(|q| sending.insert(q.id)) {
                        let id = queued.id;
                        let attempt = deliver(&state, transport.as_ref(), queued);
                        in_flight.push(async move { (id, attempt.await) });
                    }
                }
                Err(error) => tracing::error!(error = %format!("{error:#}"), "mail worker failed"),
            }
        }
        tokio::select! {
            Some((id, done)) = in_flight.next(), if !in_flight.is_empty() => {
                sending.remove(&id);
                log_failure(done);
            }
            _ = state.mail_wakeup.notified(), if in_flight.len() < IN_FLIGHT => {}
            _ = tokio::time::sleep(POLL), if in_flight.len() < IN_FLIGHT => {}
            _ = shutdown.changed() => break,
        }
    }
    while let Some((_, done)) = in_flight.next().await {
        log_failure(done);
    }
}

/// At start, frees the leases that an earlier run of this instance held when it died (a
/// crash, a `kill -9`), so that their messages go now rather than when the leases expire.
async fn take_back_past_leases(state: &AppState, owner: &Owner) {
    if !owner.has_past_runs() {
        return;
    }
    match state.store.release_mail_leases(owner.id()).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(
            count,
            "took back mail leased by this instance before it stopped"
        ),
        Err(error) => tracing::warn!(error = %error, "cannot take back earlier mail leases"),
    }
}

fn log_failure(done: anyhow::Result<()>) {
    if let Err(error) = done {
        tracing::error!(error = %format!("{error:#}"), "mail worker failed");
    }
}

/// Leases up to `limit` due messages for one attempt each.
async fn claim(
    state: &AppState,
    owner: &Owner,
    limit: usize,
) -> anyhow::Result<Vec<store::QueuedMail>> {
    let now = state.now();
    let lease = Duration::try_from(state.config.mail_timeout + LEASE_MARGIN)?;
    let limit = i64::try_from(limit)?;
    Ok(state
        .store
        .claim_mail(now, now + lease, limit, owner.id())
        .await?)
}

/// Delivers one batch of due messages (at most [`IN_FLIGHT`], all at once); returns how many
/// were taken. For a process without a worker (the CLI).
pub async fn deliver_due(state: &AppState, transport: &dyn Transport) -> anyhow::Result<usize> {
    let owner = Owner::ephemeral();
    let batch = claim(state, &owner, IN_FLIGHT).await?;
    let taken = batch.len();
    let attempts = batch
        .into_iter()
        .map(|queued| deliver(state, transport, queued));
    for done in futures_util::future::join_all(attempts).await {
        done?;
    }
    Ok(taken)
}

/// One attempt at one leased message, within the deadline; records the outcome.
async fn deliver(
    state: &AppState,
    transport: &dyn Transport,
    queued: store::QueuedMail,
) -> anyhow::Result<()> {
    let deadline = state.config.mail_timeout;
    let result = match super::open_body(state, &queued.body_sealed) {
        Ok(body) => {
            let outgoing = Outgoing {
                id: queued.id,
                // Messages queued before Message-IDs were stored had this one.
                message_id: queued
                    .message_id
                    .clone()
                    .unwrap_or_else(|| format!("<{}@wayfinder>", queued.id)),
                to: queued.recipient.clone(),
                subject: queued.subject.clone(),
                text: body.text,
                html: body.html,
                attachments: body.attachments,
            };
            match tokio::time::timeout(deadline, transport.send(&outgoing)).await {
                Ok(sent) => sent,
                Err(_) => Err(anyhow::anyhow!(
                    "no answer within {} s (WAYFINDER_MAIL_TIMEOUT_SECONDS)",
                    deadline.as_secs()
                )),
            }
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => state.store.mail_sent(queued.id, state.now()).await?,
        Err(error) => {
            let retry_at = state.now() + backoff(queued.attempts);
            tracing::warn!(to = %queued.recipient, attempt = queued.attempts,
                error = %format!("{error:#}"), "mail delivery failed; will retry");
            state
                .store
                .mail_failed(queued.id, retry_at, &format!("{error:#}"))
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(4), Duration::seconds(40));
        assert_eq!(backoff(30), Duration::hours(1));
    }
}
