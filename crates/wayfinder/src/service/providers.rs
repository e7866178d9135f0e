//! Providers, their members and the fallback provider (SPEC §6). Each function checks its
//! permission of SPEC §2 and the provider against its scope: a provider outside the scope of
//! [`Permission::SeeProviders`] answers "not found", so its existence is not revealed; one in
//! sight that the viewer may not change answers "not allowed".

use super::authorize;
use crate::AppState;
use crate::error::{AppError, FieldErrors, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::{PageNumber, Permission, Provider, ProviderId, ProviderProfile, Scope, Viewer};
use serde::Deserialize;
use serde_json::{Map, Value, json};

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
pub async fn visible(state: &AppState, viewer: &Viewer, id: ProviderId) -> Result<Provider> {
    let scope = authorize(state, viewer, Permission::SeeProviders).await?;
    let provider = state.store.provider(id).await?.ok_or(AppError::NotFound)?;
    if in_scope(state, scope, id).await? {
        Ok(provider)
    } else {
        Err(AppError::NotFound)
    }
}

async fn in_scope(state: &AppState, scope: Scope, id: ProviderId) -> Result<bool> {
    Ok(match scope {
        Scope::All => true,
        Scope::MemberOf(user) => state.store.is_member(user, id).await?,
    })
}

/// Whether `viewer` may do `permission` to a provider they can see: what the pages offer
/// (`can_edit`) and what [`manageable`] enforces are this one rule. Every provider permission
/// reaches no further than [`Permission::SeeProviders`], so a provider in sight is in scope.
pub fn may(viewer: &Viewer, permission: Permission) -> bool {
    viewer.may(permission)
}

/// Like [`visible`], and then only with `permission` (otherwise "not allowed", recorded).
pub(super) async fn manageable(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
    permission: Permission,
) -> Result<Provider> {
    let provider = visible(state, viewer, id).await?;
    if may(viewer, permission) {
        Ok(provider)
    } else {
        Err(super::denied(state, viewer, permission.as_str()).await)
    }
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    q: Option<&str>,
    page: PageNumber,
) -> Result<(Vec<Provider>, i64)> {
    let scope = authorize(state, viewer, Permission::SeeProviders).await?;
    Ok(state.store.list_providers(scope, q, page).await?)
}

pub async fn create(state: &AppState, viewer: &Viewer, input: &ProviderInput) -> Result<Provider> {
    authorize(state, viewer, Permission::ManageProviders).await?;
    let actor = &viewer.actor();
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
    viewer: &Viewer,
    id: ProviderId,
    input: &ProviderInput,
) -> Result<Provider> {
    manageable(state, viewer, id, Permission::ManageProviders).await?;
    super::retrying(|| edit(state, viewer, id, input)).await
}

/// The transaction of [`update`]: the changes are computed against the provider as the
/// transaction sees it, and a provider deleted meanwhile is "not found", never a 200.
async fn edit(
    state: &AppState,
    viewer: &Viewer,
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
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::ProviderUpdated)
        .target("provider", id, after.name.as_str())
        .details(Value::Object(changed));
    tx.commit(event).await?;
    Ok(after)
}

/// Deletes the provider (its memberships and listings go with it); clears the fallback setting
/// when it was the fallback provider.
pub async fn delete(state: &AppState, viewer: &Viewer, id: ProviderId) -> Result<()> {
    manageable(state, viewer, id, Permission::ManageProviders).await?;
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        // The row as deleted says whether it was the fallback: a setting made a moment ago by
        // someone else is recorded truly.
        let provider = tx.delete_provider(id).await?.ok_or(AppError::NotFound)?;
        let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::ProviderDeleted)
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
    viewer: &Viewer,
    id: Option<ProviderId>,
) -> Result<Option<Provider>> {
    authorize(state, viewer, Permission::ManageProviders).await?;
    let actor = &viewer.actor();
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
    viewer: &Viewer,
    q: Option<&str>,
    limit: i64,
) -> Result<(Vec<store::ProviderSummary>, i64)> {
    let scope = authorize(state, viewer, Permission::SeeProviders).await?;
    Ok(state.store.find_providers(scope, q, limit).await?)
}

/// These providers, by name, as far as the viewer may see them (ids that name none, or a
/// provider out of scope, are left out).
pub async fn by_ids(
    state: &AppState,
    viewer: &Viewer,
    ids: &[ProviderId],
) -> Result<Vec<store::ProviderSummary>> {
    let scope = authorize(state, viewer, Permission::SeeProviders).await?;
    let mut found = state.store.providers_by_ids(ids).await?;
    if let Some(user) = scope.member_of() {
        let own = state.store.provider_ids(user).await?;
        found.retain(|p| own.contains(&p.id));
    }
    Ok(found)
}

/// The one provider the viewer may see that a typed name picks: the one called exactly that
/// (any case), or the only one whose name contains it. Otherwise a message for `field`.
pub async fn named(
    state: &AppState,
    viewer: &Viewer,
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
