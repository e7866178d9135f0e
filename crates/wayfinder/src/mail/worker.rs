//! The delivery worker: leases due messages, sends them, and retries failures with exponential
//! backoff. Several workers (instances) can run on one database: a lease gives each message to
//! one of them at a time.

use super::transport::{Outgoing, Transport};
use crate::AppState;
use std::sync::Arc;
use time::Duration;
use tokio::sync::watch;

/// How long a worker owns a message it took; another worker may retry it after that.
const LEASE: Duration = Duration::minutes(5);
/// How often to look for due messages without being woken.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);
const BATCH: i64 = 20;
/// How often expired sessions, secrets, rate-limit hits and client names are cleared.
const SWEEP_EVERY: Duration = Duration::minutes(1);

/// The delay before retry number `attempts` (1-based): 5 s, 10 s, 20 s … at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    Duration::seconds(5 * (1i64 << exponent)).min(Duration::hours(1))
}

/// Runs until `shutdown` changes.
pub async fn run(
    state: AppState,
    transport: Arc<dyn Transport>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last_sweep: Option<time::OffsetDateTime> = None;
    loop {
        match deliver_due(&state, transport.as_ref()).await {
            Ok(count) if count as i64 == BATCH => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(error = %format!("{error:#}"), "mail worker failed"),
        }
        // Expired rows go once a minute (by the app's clock), not at every poll.
        let now = state.now();
        if last_sweep.is_none_or(|at| now - at >= SWEEP_EVERY) {
            last_sweep = Some(now);
            if let Err(error) = state.store.sweep(now).await {
                tracing::warn!(error = %error, "sweeping expired rows failed");
            }
        }
        tokio::select! {
            _ = state.mail_wakeup.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Delivers one batch of due messages; returns how many were taken.
pub async fn deliver_due(state: &AppState, transport: &dyn Transport) -> anyhow::Result<usize> {
    let now = state.now();
    let batch = state.store.claim_mail(now, now + LEASE, BATCH).await?;
    let taken = batch.len();
    for queued in batch {
        let result = match super::open_body(state, &queued.body_sealed) {
            Ok(body) => {
                let outgoing = Outgoing {
                    id: queued.id,
                    to: queued.recipient.clone(),
                    subject: queued.subject.clone(),
                    text: body.text,
                    html: body.html,
                };
                transport.send(&outgoing).await
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
    }
    Ok(taken)
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
