//! Creating accounts and inviting them: shared by the setup page, the CLI and the Users section.

use crate::AppState;
use crate::error::{AppError, FieldErrors, Result};
use crate::mail;
use crate::secrets::{random_code, random_token};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{EmailAddress, Role, User, UserId};
use store::{NewSecret, SecretKind, Tx};
use time::Duration;

/// How long an invitation's code and link stay valid.
pub const INVITATION_VALIDITY: Duration = Duration::hours(72);

/// What a person types to create an account.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewAccountInput {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

/// A new account's input, checked.
pub struct NewAccount {
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
}

impl NewAccountInput {
    /// Checks every field and reports all problems at once.
    pub fn parse(&self) -> Result<NewAccount> {
        let mut errors = FieldErrors::new();
        let email = EmailAddress::parse(&self.email)
            .map_err(|e| errors.insert("email", e.to_string()))
            .ok();
        let first_name = domain::text::parse_name(&self.first_name, "first name")
            .map_err(|e| errors.insert("first_name", e))
            .ok();
        let last_name = domain::text::parse_name(&self.last_name, "last name")
            .map_err(|e| errors.insert("last_name", e))
            .ok();
        match (email, first_name, last_name) {
            (Some(email), Some(first_name), Some(last_name)) if errors.is_empty() => {
                Ok(NewAccount {
                    email,
                    first_name,
                    last_name,
                })
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// The event that records a new account (the caller commits with it).
pub fn created_event(actor: &Actor, user: &User) -> NewAuditEvent {
    NewAuditEvent::new(user.created_at, actor.clone(), Action::UserCreated)
        .target("user", user.id, user.email.as_str())
        .details(serde_json::json!({
            "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "role": user.role.as_str(),
            "can_download_reports": user.can_download_reports,
        }))
}

/// Inserts the account inside `tx` with its invitation queued (and that event recorded).
pub async fn create_with_invitation(
    tx: &mut dyn Tx,
    state: &AppState,
    actor: &Actor,
    account: NewAccount,
    role: Role,
    can_download_reports: bool,
) -> Result<User> {
    let now = state.now();
    let user = User {
        id: UserId::new(),
        email: account.email,
        first_name: account.first_name,
        last_name: account.last_name,
        role,
        can_download_reports,
        invited_at: now,
        invitation_expires_at: now + INVITATION_VALIDITY,
        activated_at: None,
        last_sign_in_at: None,
        created_at: now,
        updated_at: now,
    };
    tx.insert_user(&user).await?;
    let sent = invite(tx, state, actor, &user).await?;
    tx.record(sent).await?;
    Ok(user)
}

/// Issues a fresh invitation code and link (killing any older secret) and queues the email;
/// returns the event that records it.
pub async fn invite(
    tx: &mut dyn Tx,
    state: &AppState,
    actor: &Actor,
    user: &User,
) -> Result<NewAuditEvent> {
    let now = state.now();
    let (code, token) = (random_code(), random_token());
    let id = user.id.to_string();
    tx.put_secret(&NewSecret {
        user_id: user.id,
        kind: SecretKind::Invitation,
        code_hash: state.keys.hash("code", &[&id, &code]),
        token_hash: state.keys.hash("link", &[&token]),
        browser_hash: None,
        expires_at: user.invitation_expires_at,
        created_at: now,
    })
    .await?;
    let link = state.config.link(&format!("/sign-in/link?token={token}"));
    let email = mail::templates::invitation(
        user,
        &code,
        &link,
        &state.config.link("/sign-in/code"),
        &state.config.timezone,
    );
    mail::queue(tx, state, email).await?;
    Ok(
        NewAuditEvent::new(now, actor.clone(), Action::InvitationSent)
            .target("user", user.id, user.email.as_str())
            .details(
                serde_json::json!({ "expires_at": user.invitation_expires_at.unix_timestamp() }),
            ),
    )
}

/// The providers the account is a member of: what the account's own view and an
/// administrator's answers about it show.
pub async fn provider_ids(
    state: &AppState,
    user: domain::UserId,
) -> Result<Vec<domain::ProviderId>> {
    Ok(state.store.provider_ids(user).await?)
}
