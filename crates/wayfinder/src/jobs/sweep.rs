//! The sweep: clears expired sessions, sign-in secrets, rate-limit hits and client names, and
//! abandons idle kiosk sessions, once a minute by the app's clock (which tests move), checked
//! every couple of seconds.

use crate::AppState;
use time::Duration;
use tokio::sync::watch;

/// How often expired rows are cleared, by the app's clock.
const SWEEP_EVERY: Duration = Duration::minutes(1);
/// How often to look at the clock.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs until `shutdown` changes.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut last_sweep: Option<time::OffsetDateTime> = None;
    loop {
        let now = state.now();
        if last_sweep.is_none_or(|at| now - at >= SWEEP_EVERY) {
            last_sweep = Some(now);
            if let Err(error) = state.store.sweep(now).await {
                tracing::warn!(error = %error, "sweeping expired rows failed");
            }
            // Kiosk sessions left alone for 30 minutes end as abandoned, releasing their holds.
            match crate::service::kiosk::flow::abandon_idle(&state).await {
                Ok(0) => {}
                Ok(ended) => tracing::info!(ended, "abandoned idle kiosk sessions"),
                Err(error) => {
                    tracing::warn!(error = %error, "abandoning idle kiosk sessions failed")
                }
            }
            // A client's sealed name goes once the last of their appointments has ended.
            match crate::service::kiosk::submit::erase_due_names(&state).await {
                Ok(0) => {}
                Ok(erased) => tracing::info!(erased, "erased kiosk clients' names"),
                Err(error) => tracing::warn!(error = %error, "erasing kiosk clients' names failed"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => break,
        }
    }
}
