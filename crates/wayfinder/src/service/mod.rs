//! Use cases, shared by the HTML pages and the JSON API: each takes the state, who acts, and
//! parsed input, and does its work in one transaction with its audit event.

pub mod accounts;
pub mod audit_log;
pub mod categories;
pub mod dashboard;
pub mod kiosk;
pub mod listings;
pub mod members;
pub mod providers;
pub mod rate_limit;
pub mod report_summary;
pub mod reports;
pub mod sessions;
pub mod setup;
pub mod sign_in;
pub mod slot_input;
pub mod slots;
pub mod stations;
pub mod users;
pub mod zone;

use crate::error::{AppError, Result};
use domain::{Permission, Scope, Viewer};
use std::net::IpAddr;
use std::time::Duration;

/// How many times [`retrying`] runs a transaction at most.
const ATTEMPTS: u32 = 3;

/// Runs `transaction` (everything from `begin` to `commit`) again when the database refused it
/// because of a concurrent one (a deadlock, a serialization failure, SQLite busy), up to
/// [`ATTEMPTS`] times in all, after a short random pause so that the two do not meet again.
/// Anything the body did is rolled back with its transaction, so running it again is safe.
///
/// `transaction` is a closure that returns a future rather than an async closure: the futures of
/// async closures are not known to be `Send`, which axum handlers need.
pub async fn retrying<T, F, Fut>(mut transaction: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(AppError::Busy) if attempt < ATTEMPTS => {
                tracing::info!(attempt, "a concurrent transaction got in the way; retrying");
                let pause = rand::random_range(5..=25) * u64::from(attempt);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Who is asking, as far as the network tells.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
}

impl Origin {
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

/// Records that `viewer` was refused `what`, and returns the `403` to answer with.
pub async fn denied(state: &crate::AppState, viewer: &Viewer, what: &str) -> AppError {
    use domain::audit::{Action, NewAuditEvent};
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::AccessDenied)
        .target("section", what, what)
        .outcome("refused");
    match state.store.audit(event).await {
        Ok(()) => AppError::Forbidden,
        Err(error) => error.into(),
    }
}

/// The scope of `permission` for `viewer`; a refusal is recorded and answered `403`. Services
/// call this themselves, whatever the handler checked: a use case cannot be reached without it.
pub async fn authorize(
    state: &crate::AppState,
    viewer: &Viewer,
    permission: Permission,
) -> Result<Scope> {
    match viewer.scope(permission) {
        Some(scope) => Ok(scope),
        None => Err(denied(state, viewer, permission.as_str()).await),
    }
}

#[cfg(test)]
mod tests {
    use super::{ATTEMPTS, retrying};
    use crate::error::AppError;
    use std::cell::Cell;

    #[tokio::test]
    async fn a_transaction_refused_for_contention_runs_again_until_it_succeeds() {
        let runs = Cell::new(0);
        let outcome = retrying(|| async {
            runs.set(runs.get() + 1);
            if runs.get() < ATTEMPTS {
                Err(AppError::Busy)
            } else {
                Ok(runs.get())
            }
        })
        .await;
        assert_eq!(outcome.ok(), Some(ATTEMPTS));
    }

    #[tokio::test]
    async fn retries_are_bounded_and_other_errors_are_not_retried() {
        let runs = Cell::new(0);
        let busy = retrying(|| async {
            runs.set(runs.get() + 1);
            Err::<(), _>(AppError::Busy)
        })
        .await;
        assert!(matches!(busy, Err(AppError::Busy)));
        assert_eq!(runs.get(), ATTEMPTS);

        runs.set(0);
        let missing = retrying(|| async {
            runs.set(runs.get() + 1);
            Err::<(), _>(AppError::NotFound)
        })
        .await;
        assert!(matches!(missing, Err(AppError::NotFound)));
        assert_eq!(runs.get(), 1);
    }
}
