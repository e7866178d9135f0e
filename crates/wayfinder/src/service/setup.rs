//! The first administrator: a one-time setup link printed by `serve` on an empty database, and
//! `wayfinder admin create` at the command line.

use super::Origin;
use super::accounts::{self, NewAccountInput};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::secrets::random_token;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{Role, User};
use time::Duration;

/// How long a setup link stays valid.
pub const SETUP_VALIDITY: Duration = Duration::hours(1);

/// Issues a fresh setup link when there is no administrator yet (older links stop working).
pub async fn issue_link_if_needed(state: &AppState) -> Result<Option<String>> {
    if state.store.count_admins().await? > 0 {
        return Ok(None);
    }
    let now = state.now();
    let token = random_token();
    let mut tx = state.store.begin().await?;
    tx.put_setup_token(
        &state.keys.hash("setup", &[&token]),
        now + SETUP_VALIDITY,
        now,
    )
    .await?;
    tx.commit(
        NewAuditEvent::new(now, Actor::System, Action::SetupLinkIssued)
            .details(serde_json::json!({ "expires_at": (now + SETUP_VALIDITY).unix_timestamp() })),
    )
    .await?;
    Ok(Some(state.config.link(&format!("/setup?token={token}"))))
}

/// Whether the setup page should offer its form for this token.
pub async fn link_is_valid(state: &AppState, token: &str) -> Result<bool> {
    let hash = state.keys.hash("setup", &[token]);
    Ok(state.store.setup_token_valid(&hash, state.now()).await?)
}

pub fn invalid_link() -> AppError {
    AppError::bad_request(
        "invalid_setup_link",
        "This setup link is not valid: it has expired, was already used, or a newer one was \
         printed. Restart the server to print a new one while there is no administrator.",
    )
}

/// Creates the first administrator from the setup page and sends their invitation.
pub async fn complete(
    state: &AppState,
    origin: Origin,
    token: &str,
    input: &NewAccountInput,
) -> Result<User> {
    let account = input.parse()?;
    let now = state.now();
    let mut tx = state.store.begin().await?;
    if !tx
        .take_setup_token(&state.keys.hash("setup", &[token]), now)
        .await?
        || tx.count_admins().await? > 0
    {
        return Err(invalid_link());
    }
    let actor = Actor::Anonymous;
    let user =
        accounts::create_with_invitation(tx.as_mut(), state, &actor, account, Role::Admin, false)
            .await?;
    tx.record(accounts::created_event(&actor, &user)).await?;
    tx.commit(
        NewAuditEvent::new(now, actor, Action::SetupCompleted)
            .target("user", user.id, user.email.as_str())
            .ip(origin.ip_text()),
    )
    .await?;
    state.mail_wakeup.notify_one();
    Ok(user)
}

/// `wayfinder admin create`: an administrator and their invitation.
pub async fn create_admin(state: &AppState, input: &NewAccountInput) -> Result<User> {
    let account = input.parse()?;
    let mut tx = state.store.begin().await?;
    let user = accounts::create_with_invitation(
        tx.as_mut(),
        state,
        &Actor::Cli,
        account,
        Role::Admin,
        false,
    )
    .await?;
    tx.commit(accounts::created_event(&Actor::Cli, &user))
        .await?;
    state.mail_wakeup.notify_one();
    Ok(user)
}
