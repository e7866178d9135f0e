//! A provider's members (SPEC §2, §6): who sees them (anyone who sees the provider) and who
//! changes them (administrators), checked here against the provider.

use super::{authorize, providers};
use crate::AppState;
use crate::error::{AppError, NO_SUCH_USER, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::{PageNumber, Permission, Provider, ProviderId, User, UserId, Viewer};
use serde_json::json;
use store::{Constraint, StoreError};

/// A member of a provider, with those of their providers that the viewer may see.
pub struct Member {
    pub user: User,
    pub provider_ids: Vec<ProviderId>,
}

/// A page of the provider's members. Each member's other providers are shown only as far as
/// the viewer may see them: a member of one provider learns nothing of the others.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
    page: PageNumber,
) -> Result<(Vec<Member>, i64)> {
    let scope = authorize(state, viewer, Permission::SeeMembers).await?;
    providers::visible(state, viewer, id).await?;
    let (users, total) = state.store.members(id, page).await?;
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let memberships = state.store.memberships_of(&ids).await?;
    // What the viewer may see of the members' other providers: all, or their own.
    let own = match scope.member_of() {
        None => None,
        Some(user) => Some(state.store.provider_ids(user).await?),
    };
    let may_see = |p: &ProviderId| own.as_ref().is_none_or(|own| own.contains(p));
    let members = users
        .into_iter()
        .map(|user| Member {
            provider_ids: memberships
                .iter()
                .filter(|m| m.user_id == user.id && may_see(&m.provider_id))
                .map(|m| m.provider_id)
                .collect(),
            user,
        })
        .collect();
    Ok((members, total))
}

/// Up to `limit` Users who are not members of the provider and whose name or email contains
/// `q`, by name, and how many match in all: whom Add Member offers (administrators see every
/// provider already).
pub async fn candidates(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
    q: Option<&str>,
    limit: i64,
) -> Result<(Vec<User>, i64)> {
    providers::manageable(state, viewer, id, Permission::ManageMembers).await?;
    Ok(state.store.non_members(id, q, limit).await?)
}

fn membership_event(
    state: &AppState,
    viewer: &Viewer,
    action: Action,
    provider: &Provider,
    user: &User,
) -> NewAuditEvent {
    NewAuditEvent::new(state.now(), viewer.actor(), action)
        .target("user", user.id, user.email.as_str())
        .details(json!({ "provider_id": provider.id, "provider": provider.name }))
}

/// Adds an existing user to the provider's members.
pub async fn add(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
    user_id: UserId,
) -> Result<User> {
    providers::manageable(state, viewer, id, Permission::ManageMembers).await?;
    super::retrying(|| enrol(state, viewer, id, user_id)).await
}

/// The transaction of [`add`]: the provider and the user are read in it and kept from
/// deletion until it ends, so a concurrent delete either waits or has already happened.
async fn enrol(state: &AppState, viewer: &Viewer, id: ProviderId, user_id: UserId) -> Result<User> {
    let mut tx = state.store.begin().await?;
    let provider = tx.provider_for_share(id).await?.ok_or(AppError::NotFound)?;
    let user = tx
        .user_for_update(user_id)
        .await?
        .ok_or_else(|| AppError::field("user_id", NO_SUCH_USER))?;
    let added = tx.add_membership(user_id, id, state.now()).await;
    let added = added.map_err(|error| match error {
        // The provider is the page the person is on: gone is "not found".
        StoreError::Conflict(Constraint::MembershipsProviderIdFkey) => AppError::NotFound,
        other => other.into(),
    })?;
    if !added {
        return Err(AppError::conflict(
            Some("user_id"),
            "This person is already a member.",
        ));
    }
    let event = membership_event(state, viewer, Action::MembershipAdded, &provider, &user);
    tx.commit(event).await?;
    Ok(user)
}

/// Removes a member: effective on their very next request; they keep their account.
pub async fn remove(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
    user_id: UserId,
) -> Result<()> {
    providers::manageable(state, viewer, id, Permission::ManageMembers).await?;
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        let provider = tx.provider_for_share(id).await?.ok_or(AppError::NotFound)?;
        let user = tx
            .user_for_update(user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !tx.remove_membership(user_id, id).await? {
            return Err(AppError::NotFound);
        }
        let event = membership_event(state, viewer, Action::MembershipRemoved, &provider, &user);
        tx.commit(event).await?;
        Ok(())
    })
    .await
}
