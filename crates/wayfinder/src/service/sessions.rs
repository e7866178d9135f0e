//! Signed-in sessions (SPEC §5): the account a session token names while the session lives,
//! and its last-seen time kept fresh for the idle timeout. The session middleware and, later,
//! the kiosk use this; neither reads the session tables itself.

use crate::AppState;
use crate::error::Result;
use domain::User;
use time::Duration;

/// How often at most a session's last-seen time is written.
const TOUCH_EVERY: Duration = Duration::seconds(15);

/// The account whose live session `token` names, if any; a session in use is touched (at most
/// every [`TOUCH_EVERY`]) so that the idle timeout counts from its last request.
#[tracing::instrument(skip_all)]
pub async fn live_user(state: &AppState, token: &str) -> Result<Option<User>> {
    let hash = state.keys.hash("session", &[token]);
    let now = state.now();
    let Some(session) = state
        .store
        .session(&hash, now, state.config.session_idle)
        .await?
    else {
        return Ok(None);
    };
    let Some(user) = state.store.user_by_id(session.user_id).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at >= TOUCH_EVERY {
        state.store.touch_session(&hash, now).await?;
    }
    Ok(Some(user))
}
