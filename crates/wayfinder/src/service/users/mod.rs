//! The Users section (SPEC §3): list, add, edit, resend the invitation, delete. Each public
//! function checks [`Permission::ManageUsers`] itself, and keeps the rules (email immutable, last
//! administrator, nobody deletes themselves).

mod cards;

pub use cards::{STATUSES, UserCard, UserQuery, get, list};

use super::accounts::{self, INVITATION_VALIDITY, NewAccountInput};
use crate::AppState;
use crate::error::{AppError, FieldErrors, PROVIDER_GONE, Result};
use crate::mail;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{Permission, ProviderId, Role, User, UserId, Viewer};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use store::Tx;

/// What an administrator enters to add a user.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[schema(schema_with = crate::http::api::views::role_schema)]
    pub role: String,
    pub provider_ids: Vec<String>,
    pub can_download_reports: bool,
}

/// What an administrator may change; `email` is here only to be refused.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UserChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(schema_with = crate::http::api::views::role_schema)]
    pub role: Option<String>,
    pub can_download_reports: Option<bool>,
    pub provider_ids: Option<Vec<String>>,
    /// Refused with `422`: the email address is the identity and never changes.
    #[schema(value_type = Option<String>)]
    pub email: Option<Value>,
}

fn parse_role(input: &str, errors: &mut FieldErrors) -> Option<Role> {
    let role = Role::parse(input.trim());
    if role.is_none() {
        errors.insert("role", "Choose Admin or User.".into());
    }
    role
}

/// Parses provider ids and checks, inside the transaction, that they all exist (which keeps
/// them from being deleted until it ends).
async fn parse_providers(
    tx: &mut dyn Tx,
    ids: &[String],
    errors: &mut FieldErrors,
) -> Result<Vec<ProviderId>> {
    let mut parsed: Vec<ProviderId> = Vec::new();
    for id in ids.iter().filter(|id| !id.trim().is_empty()) {
        match id.trim().parse() {
            Ok(id) if !parsed.contains(&id) => parsed.push(id),
            Ok(_) => {}
            Err(_) => {
                errors.insert("provider_ids", "Choose providers from the list.".into());
                return Ok(Vec::new());
            }
        }
    }
    if tx.count_providers(&parsed).await? != parsed.len() as i64 {
        errors.insert("provider_ids", PROVIDER_GONE.into());
    }
    Ok(parsed)
}

/// Creates the account, assigns its providers and queues the invitation, in one transaction.
pub async fn create(state: &AppState, viewer: &Viewer, input: &NewUser) -> Result<User> {
    super::authorize(state, viewer, Permission::ManageUsers).await?;
    let actor = &viewer.actor();
    let account_input = NewAccountInput {
        email: input.email.clone(),
        first_name: input.first_name.clone(),
        last_name: input.last_name.clone(),
    };
    let mut errors = match account_input.parse() {
        Ok(_) => FieldErrors::new(),
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let role = parse_role(&input.role, &mut errors);
    let user =
        super::retrying(|| insert(state, actor, input, &account_input, role, errors.clone()))
            .await?;
    state.mail_wakeup.notify_one();
    Ok(user)
}

/// The transaction of [`create`], given the input's problems found so far.
async fn insert(
    state: &AppState,
    actor: &Actor,
    input: &NewUser,
    account_input: &NewAccountInput,
    role: Option<Role>,
    mut errors: FieldErrors,
) -> Result<User> {
    let mut tx = state.store.begin().await?;
    let providers = parse_providers(tx.as_mut(), &input.provider_ids, &mut errors).await?;
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let account = account_input.parse()?;
    let reports = input.can_download_reports && role == Role::User;
    let user =
        accounts::create_with_invitation(tx.as_mut(), state, actor, account, role, reports).await?;
    tx.set_memberships(user.id, &providers, state.now()).await?;
    let mut event = accounts::created_event(actor, &user);
    event.details["provider_ids"] = json!(providers);
    tx.commit(event).await?;
    Ok(user)
}

fn last_admin() -> AppError {
    AppError::conflict(
        None,
        "This is the last administrator. Make someone else an administrator first.",
    )
}

/// The changes to names and role, checked.
struct Checked {
    first_name: Option<String>,
    last_name: Option<String>,
    role: Option<Role>,
}

/// Applies the changes, all or nothing; refuses any attempt to change the email.
pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    id: UserId,
    changes: &UserChanges,
) -> Result<User> {
    super::authorize(state, viewer, Permission::ManageUsers).await?;
    let actor = &viewer.actor();
    if changes.email.is_some() {
        return Err(AppError::field(
            "email",
            "The email address cannot be changed.",
        ));
    }
    let mut errors = FieldErrors::new();
    let mut check_name = |value: &Option<String>, field: &'static str, what: &str| {
        value.as_deref().and_then(|v| {
            domain::text::parse_name(v, what)
                .map_err(|e| errors.insert(field, e))
                .ok()
        })
    };
    let first_name = check_name(&changes.first_name, "first_name", "first name");
    let last_name = check_name(&changes.last_name, "last_name", "last name");
    let role = changes
        .role
        .as_deref()
        .and_then(|r| parse_role(r, &mut errors));
    let checked = Checked {
        first_name,
        last_name,
        role,
    };
    let user =
        super::retrying(|| apply(state, actor, id, changes, &checked, errors.clone())).await?;
    state.mail_wakeup.notify_one();
    Ok(user)
}

/// The transaction of [`update`], given the input's problems found so far.
async fn apply(
    state: &AppState,
    actor: &Actor,
    id: UserId,
    changes: &UserChanges,
    checked: &Checked,
    mut errors: FieldErrors,
) -> Result<User> {
    let mut tx = state.store.begin().await?;
    let providers = match &changes.provider_ids {
        Some(ids) => Some(parse_providers(tx.as_mut(), ids, &mut errors).await?),
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let before = tx.user_for_update(id).await?.ok_or(AppError::NotFound)?;
    let mut after = before.clone();
    after.first_name = checked.first_name.clone().unwrap_or(after.first_name);
    after.last_name = checked.last_name.clone().unwrap_or(after.last_name);
    after.role = checked.role.unwrap_or(after.role);
    after.can_download_reports = changes
        .can_download_reports
        .unwrap_or(after.can_download_reports);
    if before.role == Role::Admin && after.role != Role::Admin && tx.count_admins().await? <= 1 {
        return Err(last_admin());
    }
    let mut changed = changed_fields(&before, &after);
    if let Some(providers) = providers {
        let (added, removed) = tx.set_memberships(id, &providers, state.now()).await?;
        if !added.is_empty() || !removed.is_empty() {
            changed.insert(
                "providers".into(),
                json!({ "added": added, "removed": removed }),
            );
        }
    }
    if changed.is_empty() {
        return Ok(before);
    }
    after.updated_at = state.now();
    tx.update_user(&after).await?;
    queue_change_mails(tx.as_mut(), state, &before, &after).await?;
    let event = NewAuditEvent::new(state.now(), actor.clone(), Action::UserUpdated)
        .target("user", id, after.email.as_str())
        .details(Value::Object(changed));
    tx.commit(event).await?;
    Ok(after)
}

/// Tells the person when their role or report permission changed.
async fn queue_change_mails(
    tx: &mut dyn Tx,
    state: &AppState,
    before: &User,
    after: &User,
) -> Result<()> {
    if before.role != after.role {
        mail::queue(tx, state, mail::templates::role_changed(after, before.role)).await?;
    }
    if before.can_download_reports != after.can_download_reports {
        mail::queue(tx, state, mail::templates::reports_access(after)).await?;
    }
    Ok(())
}

/// The changed fields as `{"field": [old, new]}`.
fn changed_fields(before: &User, after: &User) -> Map<String, Value> {
    let mut changed = Map::new();
    let mut compare = |field: &str, old: Value, new: Value| {
        if old != new {
            changed.insert(field.into(), json!([old, new]));
        }
    };
    compare(
        "first_name",
        json!(before.first_name),
        json!(after.first_name),
    );
    compare("last_name", json!(before.last_name), json!(after.last_name));
    compare("role", json!(before.role), json!(after.role));
    compare(
        "can_download_reports",
        json!(before.can_download_reports),
        json!(after.can_download_reports),
    );
    changed
}

/// Issues a fresh invitation (new code, link and expiry; the old ones die).
pub async fn resend_invitation(state: &AppState, viewer: &Viewer, id: UserId) -> Result<User> {
    super::authorize(state, viewer, Permission::ManageUsers).await?;
    let actor = &viewer.actor();
    let user = super::retrying(|| reinvite(state, actor, id)).await?;
    state.mail_wakeup.notify_one();
    Ok(user)
}

/// The transaction of [`resend_invitation`].
async fn reinvite(state: &AppState, actor: &Actor, id: UserId) -> Result<User> {
    let mut tx = state.store.begin().await?;
    let mut user = tx.user_for_update(id).await?.ok_or(AppError::NotFound)?;
    if !may_resend(&user) {
        return Err(AppError::conflict(
            None,
            "This person has already signed in. They can ask for a sign-in code on the sign-in page.",
        ));
    }
    user.invitation_expires_at = state.now() + INVITATION_VALIDITY;
    user.updated_at = state.now();
    tx.update_user(&user).await?;
    let event = accounts::invite(tx.as_mut(), state, actor, &user).await?;
    tx.commit(event.details(
        json!({ "resent": true, "expires_at": user.invitation_expires_at.unix_timestamp() }),
    ))
    .await?;
    Ok(user)
}

/// Whether an invitation can be sent again: only until the person first signs in.
pub fn may_resend(user: &User) -> bool {
    user.activated_at.is_none()
}

/// Whether `viewer` may delete `user` as far as the account itself says: nobody deletes their
/// own account (the last administrator is checked in the transaction).
pub fn may_delete(viewer: &Viewer, user: &User) -> bool {
    viewer.may(Permission::ManageUsers) && viewer.account_id() != Some(user.id)
}

/// Deletes the account with its memberships, secrets and sessions, in one transaction.
pub async fn delete(state: &AppState, viewer: &Viewer, id: UserId) -> Result<()> {
    super::authorize(state, viewer, Permission::ManageUsers).await?;
    let actor = &viewer.actor();
    if viewer.account_id() == Some(id) {
        return Err(AppError::conflict(
            None,
            "You cannot delete your own account.",
        ));
    }
    super::retrying(|| remove(state, actor, id)).await
}

/// The transaction of [`delete`].
async fn remove(state: &AppState, actor: &Actor, id: UserId) -> Result<()> {
    let mut tx = state.store.begin().await?;
    let user = tx.user_for_update(id).await?.ok_or(AppError::NotFound)?;
    if user.is_admin() && tx.count_admins().await? <= 1 {
        return Err(last_admin());
    }
    tx.delete_user(id).await?;
    let event = NewAuditEvent::new(state.now(), actor.clone(), Action::UserDeleted)
        .target("user", id, user.email.as_str())
        .details(json!({
            "email": user.email, "first_name": user.first_name, "last_name": user.last_name,
            "role": user.role,
        }));
    tx.commit(event).await?;
    Ok(())
}
