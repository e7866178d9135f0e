//! Providers, their members and the fallback provider (SPEC §6). A User sees only the providers
//! they are a member of: any other answers "not found", so its existence is not revealed.

use crate::AppState;
use crate::error::{AppError, FieldErrors, NO_SUCH_USER, Result};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{PageNumber, Provider, ProviderId, ProviderProfile, User, UserId};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use store::{Constraint, StoreError};

/// A provider's profile as typed; on update, missing fields keep their value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub booking_email: Option<String>,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

impl ProviderInput {
    /// The profile that results from applying this input over `base`.
    fn over(&self, base: &ProviderProfile) -> Result<ProviderProfile> {
        let pick = |new: &Option<String>, old: &str| new.clone().unwrap_or_else(|| old.to_owned());
        ProviderProfile::parse(
            &pick(&self.name, &base.name),
            &pick(&self.description, &base.description),
            &pick(&self.booking_email, &base.booking_email),
            &pick(&self.contact_email, &base.contact_email),
            &pick(&self.phone, &base.phone),
            &pick(&self.address, &base.address),
        )
        .map_err(|errors| AppError::Validation(errors.into_iter().collect::<FieldErrors>()))
    }
}

fn profile_of(p: &Provider) -> ProviderProfile {
    ProviderProfile {
        name: p.name.clone(),
        description: p.description.clone(),
        booking_email: p.booking_email.clone(),
        contact_email: p.contact_email.clone(),
        phone: p.phone.clone(),
        address: p.address.clone(),
    }
}

fn profile_json(p: &ProviderProfile) -> Map<String, Value> {
    let value = json!({
        "name": p.name, "description": p.description, "booking_email": p.booking_email,
        "contact_email": p.contact_email, "phone": p.phone, "address": p.address,
    });
    value.as_object().cloned().unwrap_or_default()
}

/// The provider, if `viewer` may see it; otherwise "not found".
pub async fn visible(state: &AppState, viewer: &User, id: ProviderId) -> Result<Provider> {
    let provider = state.store.provider(id).await?.ok_or(AppError::NotFound)?;
    if viewer.is_admin() || state.store.is_member(viewer.id, id).await? {
        Ok(provider)
    } else {
        Err(AppError::NotFound)
    }
}

/// Like [`visible`], and then only for administrators (a member gets "not allowed").
async fn manageable(state: &AppState, viewer: &User, id: ProviderId) -> Result<Provider> {
    let provider = visible(state, viewer, id).await?;
    if viewer.is_admin() {
        Ok(provider)
    } else {
        Err(super::denied(state, viewer, "providers.manage").await)
    }
}

pub async fn list(
    state: &AppState,
    viewer: &User,
    page: PageNumber,
) -> Result<(Vec<Provider>, i64)> {
    Ok(state.store.list_providers(viewer, page).await?)
}

pub async fn create(state: &AppState, actor: &Actor, input: &ProviderInput) -> Result<Provider> {
    let profile = input.over(&ProviderProfile::default())?;
    let now = state.now();
    let provider = Provider {
        id: ProviderId::new(),
        name: profile.name.clone(),
        description: profile.description.clone(),
        booking_email: profile.booking_email.clone(),
        contact_email: profile.contact_email.clone(),
        phone: profile.phone.clone(),
        address: profile.address.clone(),
        is_fallback: false,
        created_at: now,
        updated_at: now,
    };
    let (new, profile) = (&provider, &profile);
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        tx.insert_provider(new).await?;
        let event = NewAuditEvent::new(now, actor.clone(), Action::ProviderCreated)
            .target("provider", new.id, new.name.as_str())
            .details(Value::Object(profile_json(profile)));
        tx.commit(event).await?;
        Ok(())
    })
    .await?;
    Ok(provider)
}

pub async fn update(
    state: &AppState,
    viewer: &User,
    id: ProviderId,
    input: &ProviderInput,
) -> Result<Provider> {
    manageable(state, viewer, id).await?;
    super::retrying(|| edit(state, viewer, id, input)).await
}

/// The transaction of [`update`]: the changes are computed against the provider as the
/// transaction sees it, and a provider deleted meanwhile is "not found", never a 200.
async fn edit(
    state: &AppState,
    viewer: &User,
    id: ProviderId,
    input: &ProviderInput,
) -> Result<Provider> {
    let mut tx = state.store.begin().await?;
    let before = tx.provider_for_share(id).await?.ok_or(AppError::NotFound)?;
    let old = profile_of(&before);
    let new = input.over(&old)?;
    let (old_json, new_json) = (profile_json(&old), profile_json(&new));
    let changed: Map<String, Value> = new_json
        .iter()
        .filter(|(k, v)| old_json.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), json!([old_json[k], v])))
        .collect();
    if changed.is_empty() {
        return Ok(before);
    }
    let after = Provider {
        name: new.name,
        description: new.description,
        booking_email: new.booking_email,
        contact_email: new.contact_email,
        phone: new.phone,
        address: new.address,
        updated_at: state.now(),
        ..before
    };
    tx.update_provider(&after).await?;
    let event = NewAuditEvent::new(state.now(), actor_of(viewer), Action::ProviderUpdated)
        .target("provider", id, after.name.as_str())
        .details(Value::Object(changed));
    tx.commit(event).await?;
    Ok(after)
}

fn actor_of(user: &User) -> Actor {
    Actor::User {
        id: user.id,
        email: user.email.clone(),
    }
}

/// Deletes the provider (its memberships and listings go with it); clears the fallback setting
/// when it was the fallback provider.
pub async fn delete(state: &AppState, viewer: &User, id: ProviderId) -> Result<()> {
    manageable(state, viewer, id).await?;
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        // The row as deleted says whether it was the fallback: a setting made a moment ago by
        // someone else is recorded truly.
        let provider = tx.delete_provider(id).await?.ok_or(AppError::NotFound)?;
        let event = NewAuditEvent::new(state.now(), actor_of(viewer), Action::ProviderDeleted)
            .target("provider", id, provider.name.as_str())
            .details(json!({ "was_fallback": provider.is_fallback }));
        tx.commit(event).await?;
        Ok(())
    })
    .await
}

/// Makes a provider the fallback provider, or clears the setting with `None`.
pub async fn set_fallback(
    state: &AppState,
    actor: &Actor,
    id: Option<ProviderId>,
) -> Result<Option<Provider>> {
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        // Checked in the transaction, which keeps it from being deleted until the end: a
        // provider deleted a moment ago is refused, never answered with a 200.
        let provider = match id {
            Some(id) => Some(
                tx.provider_for_share(id)
                    .await?
                    .ok_or_else(|| AppError::field("provider_id", "There is no such provider."))?,
            ),
            None => None,
        };
        tx.set_fallback(id, state.now()).await?;
        let label = provider
            .as_ref()
            .map_or("none".to_owned(), |p| p.name.clone());
        let target = id.map(|i| i.to_string()).unwrap_or_default();
        let event = NewAuditEvent::new(state.now(), actor.clone(), Action::FallbackProviderSet)
            .target("provider", target, label);
        tx.commit(event).await?;
        Ok(provider.map(|p| Provider {
            is_fallback: true,
            ..p
        }))
    })
    .await
}

/// Up to `limit` of the providers the viewer may see whose name contains `q`, and how many
/// match in all: what pickers and the home page show, bounded however large the directory.
pub async fn find(
    state: &AppState,
    viewer: &User,
    q: Option<&str>,
    limit: i64,
) -> Result<(Vec<store::ProviderSummary>, i64)> {
    Ok(state.store.find_providers(viewer, q, limit).await?)
}

/// These providers, by name (ids that name none are left out).
pub async fn by_ids(state: &AppState, ids: &[ProviderId]) -> Result<Vec<store::ProviderSummary>> {
    Ok(state.store.providers_by_ids(ids).await?)
}

/// The one provider the viewer may see that a typed name picks: the one called exactly that
/// (any case), or the only one whose name contains it. Otherwise a message for `field`.
pub async fn named(
    state: &AppState,
    viewer: &User,
    name: &str,
    field: &'static str,
) -> Result<ProviderId> {
    let q = domain::text::parse_query(Some(name)).map_err(|m| AppError::field(field, m))?;
    let Some(q) = q else {
        return Err(AppError::field(field, "Enter a provider's name."));
    };
    let (found, total) = find(state, viewer, Some(&q), 50).await?;
    if let Some(exact) = found
        .iter()
        .find(|p| p.name.to_lowercase() == q.to_lowercase())
    {
        return Ok(exact.id);
    }
    match (found.first(), total) {
        (Some(only), 1) => Ok(only.id),
        (None, _) => Err(AppError::field(
            field,
            format!("No provider's name contains \u{201c}{q}\u{201d}."),
        )),
        _ => Err(AppError::field(
            field,
            format!("{total} providers match \u{201c}{q}\u{201d}. Type more of the name."),
        )),
    }
}

/// A member of a provider, with those of their providers that the viewer may see.
pub struct Member {
    pub user: User,
    pub provider_ids: Vec<ProviderId>,
}

/// A page of the provider's members. Each member's other providers are shown only as far as
/// the viewer may see them: a member of one provider learns nothing of the others.
pub async fn members(
    state: &AppState,
    viewer: &User,
    id: ProviderId,
    page: PageNumber,
) -> Result<(Vec<Member>, i64)> {
    visible(state, viewer, id).await?;
    let (users, total) = state.store.members(id, page).await?;
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let memberships = state.store.memberships_of(&ids).await?;
    let own = if viewer.is_admin() {
        None
    } else {
        Some(state.store.provider_ids(viewer.id).await?)
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

fn membership_event(
    state: &AppState,
    viewer: &User,
    action: Action,
    provider: &Provider,
    user: &User,
) -> NewAuditEvent {
    NewAuditEvent::new(state.now(), actor_of(viewer), action)
        .target("user", user.id, user.email.as_str())
        .details(json!({ "provider_id": provider.id, "provider": provider.name }))
}

/// Adds an existing user to the provider's members.
pub async fn add_member(
    state: &AppState,
    viewer: &User,
    id: ProviderId,
    user_id: UserId,
) -> Result<User> {
    manageable(state, viewer, id).await?;
    super::retrying(|| enrol(state, viewer, id, user_id)).await
}

/// The transaction of [`add_member`]: the provider and the user are read in it and kept from
/// deletion until it ends, so a concurrent delete either waits or has already happened.
async fn enrol(state: &AppState, viewer: &User, id: ProviderId, user_id: UserId) -> Result<User> {
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
pub async fn remove_member(
    state: &AppState,
    viewer: &User,
    id: ProviderId,
    user_id: UserId,
) -> Result<()> {
    manageable(state, viewer, id).await?;
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
