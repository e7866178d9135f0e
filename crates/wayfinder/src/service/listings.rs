//! A provider's listings (SPEC §8.1): administrators manage every provider's, a User only those
//! of the providers they are a member of. Anything else answers "not found", so that its
//! existence is not revealed. The kind is chosen once, at creation.

use super::authorize;
use crate::AppState;
use crate::error::{AppError, FieldErrors, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::listing::{Listing, ListingInput, RawListing};
use domain::report::ListingKind;
use domain::{Category, ListingId, PageNumber, Permission, Provider, ProviderId, Scope, Viewer};
use serde_json::{Map, Value, json};

/// A listing as typed, over a base: a field that is `None` keeps its value. Ages are text here
/// (blank clears the limit) so that a form and a JSON number meet the same rules.
#[derive(Debug, Clone, Default)]
pub struct ListingPatch {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub eligibility_notes: Option<String>,
    pub category_ids: Option<Vec<String>>,
    pub gender: Option<String>,
    pub min_age: Option<String>,
    pub max_age: Option<String>,
    pub indigenous: Option<String>,
}

impl ListingPatch {
    fn over(&self, base: RawListing) -> RawListing {
        let pick = |new: &Option<String>, old: String| new.clone().unwrap_or(old);
        RawListing {
            name: pick(&self.name, base.name),
            description: pick(&self.description, base.description),
            eligibility_notes: pick(&self.eligibility_notes, base.eligibility_notes),
            category_ids: self.category_ids.clone().unwrap_or(base.category_ids),
            gender: pick(&self.gender, base.gender),
            min_age: pick(&self.min_age, base.min_age),
            max_age: pick(&self.max_age, base.max_age),
            indigenous: pick(&self.indigenous, base.indigenous),
        }
    }

    /// The checked fields, or every problem by field (a bad kind included).
    fn parse(&self, base: RawListing, kind_problem: Option<String>) -> Result<ListingInput> {
        let parsed = ListingInput::parse(&self.over(base));
        match (parsed, kind_problem) {
            (Ok(input), None) => Ok(input),
            (parsed, kind) => {
                let mut errors: FieldErrors =
                    parsed.err().unwrap_or_default().into_iter().collect();
                if let Some(message) = kind {
                    errors.insert("kind", message);
                }
                Err(AppError::Validation(errors))
            }
        }
    }
}

/// The listing's fields as text, the base that a patch applies over.
pub fn raw_of(l: &Listing) -> RawListing {
    let age = |a: Option<i64>| a.map(|a| a.to_string()).unwrap_or_default();
    RawListing {
        name: l.name.clone(),
        description: l.description.clone(),
        eligibility_notes: l.eligibility_notes.clone(),
        category_ids: l.category_ids.iter().map(ToString::to_string).collect(),
        gender: l.gender.as_str().into(),
        min_age: age(l.min_age),
        max_age: age(l.max_age),
        indigenous: l.indigenous.as_str().into(),
    }
}

/// The audited content of a listing.
fn fields_json(l: &Listing) -> Map<String, Value> {
    let value = json!({
        "name": l.name, "description": l.description, "eligibility_notes": l.eligibility_notes,
        "category_ids": l.category_ids, "gender": l.gender.as_str(), "min_age": l.min_age,
        "max_age": l.max_age, "indigenous": l.indigenous.as_str(),
    });
    value.as_object().cloned().unwrap_or_default()
}

/// Whether the provider is within the scope of the viewer's grant.
async fn in_scope(state: &AppState, scope: Scope, id: ProviderId) -> Result<bool> {
    Ok(match scope {
        Scope::All => true,
        Scope::MemberOf(user) => state.store.is_member(user, id).await?,
    })
}

/// The provider, if `viewer` may manage its listings; otherwise "not found".
pub async fn provider_in_scope(
    state: &AppState,
    viewer: &Viewer,
    id: ProviderId,
) -> Result<Provider> {
    let scope = authorize(state, viewer, Permission::ManageListings).await?;
    let provider = state.store.provider(id).await?.ok_or(AppError::NotFound)?;
    if in_scope(state, scope, id).await? {
        Ok(provider)
    } else {
        Err(AppError::NotFound)
    }
}

/// The listing, if `viewer` may manage it; otherwise "not found".
pub async fn get(state: &AppState, viewer: &Viewer, id: ListingId) -> Result<Listing> {
    let scope = authorize(state, viewer, Permission::ManageListings).await?;
    let listing = state.store.listing(id).await?.ok_or(AppError::NotFound)?;
    if in_scope(state, scope, listing.provider_id).await? {
        Ok(listing)
    } else {
        Err(AppError::NotFound)
    }
}

/// A page of the provider's listings of one kind.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    provider: ProviderId,
    kind: Option<ListingKind>,
    page: PageNumber,
) -> Result<(Vec<Listing>, i64)> {
    provider_in_scope(state, viewer, provider).await?;
    Ok(state.store.provider_listings(provider, kind, page).await?)
}

/// Every category, for the form's choices and the chips.
pub async fn categories(state: &AppState) -> Result<Vec<Category>> {
    Ok(state.store.category_choices().await?)
}

/// "information" or "booking", or the message for the `kind` field.
pub fn parse_kind(text: Option<&str>) -> std::result::Result<ListingKind, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Err("Choose whether this is an information or a booking listing.".into()),
        Some(text) => ListingKind::parse(text)
            .ok_or_else(|| "The kind is either information or booking.".into()),
    }
}

/// Categories in the order the store reads them back, so that a change of order is no change.
fn sorted(mut ids: Vec<domain::CategoryId>) -> Vec<domain::CategoryId> {
    ids.sort();
    ids
}

const CATEGORY_GONE: &str = "One of the chosen categories no longer exists.";

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    provider_id: ProviderId,
    patch: &ListingPatch,
) -> Result<Listing> {
    provider_in_scope(state, viewer, provider_id).await?;
    let actor = &viewer.actor();
    let kind = parse_kind(patch.kind.as_deref());
    let input = patch.parse(RawListing::default(), kind.clone().err())?;
    let listing = Listing {
        id: ListingId::new(),
        provider_id,
        kind: kind.map_err(|m| AppError::field("kind", m))?,
        name: input.name,
        description: input.description,
        eligibility_notes: input.eligibility_notes,
        gender: input.gender,
        min_age: input.min_age,
        max_age: input.max_age,
        indigenous: input.indigenous,
        category_ids: sorted(input.category_ids),
        created_at: state.now(),
    };
    let new = &listing;
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        tx.provider_for_share(provider_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if tx.count_categories(&new.category_ids).await? != new.category_ids.len() as i64 {
            return Err(AppError::field("category_ids", CATEGORY_GONE));
        }
        tx.insert_listing(new).await?;
        let mut details = fields_json(new);
        details.insert("kind".into(), json!(new.kind.as_str()));
        details.insert("provider_id".into(), json!(new.provider_id));
        let event = NewAuditEvent::new(new.created_at, actor.clone(), Action::ListingCreated)
            .target("listing", new.id, new.name.as_str())
            .details(Value::Object(details));
        tx.commit(event).await?;
        Ok(())
    })
    .await?;
    Ok(listing)
}

/// The fields that differ, as `{"field": [old, new]}`.
fn changes(before: &Listing, after: &Listing) -> Map<String, Value> {
    let (old, new) = (fields_json(before), fields_json(after));
    new.into_iter()
        .filter(|(field, value)| old.get(field) != Some(value))
        .map(|(field, value)| {
            let was = old.get(&field).cloned().unwrap_or(Value::Null);
            (field, json!([was, value]))
        })
        .collect()
}

pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    id: ListingId,
    patch: &ListingPatch,
) -> Result<Listing> {
    get(state, viewer, id).await?;
    let actor = &viewer.actor();
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        let before = tx.listing_for_update(id).await?.ok_or(AppError::NotFound)?;
        let kind_problem = match patch.kind.as_deref() {
            None => None,
            Some(text) => match parse_kind(Some(text)) {
                Ok(kind) if kind == before.kind => None,
                Ok(_) => Some("The kind of a listing cannot change once it is created.".into()),
                Err(message) => Some(message),
            },
        };
        let input = patch.parse(raw_of(&before), kind_problem)?;
        let after = Listing {
            name: input.name,
            description: input.description,
            eligibility_notes: input.eligibility_notes,
            gender: input.gender,
            min_age: input.min_age,
            max_age: input.max_age,
            indigenous: input.indigenous,
            category_ids: sorted(input.category_ids),
            ..before.clone()
        };
        let changed = changes(&before, &after);
        if changed.is_empty() {
            return Ok(before);
        }
        if tx.count_categories(&after.category_ids).await? != after.category_ids.len() as i64 {
            return Err(AppError::field("category_ids", CATEGORY_GONE));
        }
        tx.update_listing(&after, state.now()).await?;
        let event = NewAuditEvent::new(state.now(), actor.clone(), Action::ListingUpdated)
            .target("listing", id, after.name.as_str())
            .details(Value::Object(changed));
        tx.commit(event).await?;
        Ok(after)
    })
    .await
}

/// The 409 of a booking listing that still has upcoming appointments.
pub fn booked_conflict(booked: i64) -> AppError {
    let appointments = if booked == 1 {
        "1 upcoming booked appointment".to_owned()
    } else {
        format!("{booked} upcoming booked appointments")
    };
    AppError::conflict(
        None,
        format!(
            "This listing has {appointments}. They must be cancelled first, on the listing's \
             Slots page, before the listing can be deleted."
        ),
    )
}

/// How many upcoming appointments of the listing are booked (for the confirmation page).
pub async fn upcoming_booked(state: &AppState, listing: &Listing) -> Result<i64> {
    if listing.kind != ListingKind::Booking {
        return Ok(0);
    }
    Ok(state
        .store
        .upcoming_booked_slots(listing.id, state.now())
        .await?)
}

/// Deletes the listing with its slots; a booking listing with upcoming booked appointments is
/// refused (`409`, saying how many).
pub async fn delete(state: &AppState, viewer: &Viewer, id: ListingId) -> Result<Listing> {
    get(state, viewer, id).await?;
    let actor = &viewer.actor();
    super::retrying(|| async move {
        let mut tx = state.store.begin().await?;
        let listing = tx.listing_for_update(id).await?.ok_or(AppError::NotFound)?;
        if listing.kind == ListingKind::Booking {
            let booked = tx.upcoming_booked_slots_held(id, state.now()).await?;
            if booked > 0 {
                return Err(booked_conflict(booked));
            }
        }
        tx.delete_listing(id).await?;
        let mut details = fields_json(&listing);
        details.insert("kind".into(), json!(listing.kind.as_str()));
        let event = NewAuditEvent::new(state.now(), actor.clone(), Action::ListingDeleted)
            .target("listing", id, listing.name.as_str())
            .details(Value::Object(details));
        tx.commit(event).await?;
        Ok(listing)
    })
    .await
}
