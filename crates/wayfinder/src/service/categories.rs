//! Categories of listings (SPEC §6): for those with [`Permission::ManageCategories`], which
//! every function here checks itself.

use super::authorize;
use crate::AppState;
use crate::error::{AppError, FieldErrors, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::colour::check_card_colour;
use domain::provider::parse_colour;
use domain::{Category, CategoryId, PageNumber};
use domain::{Permission, Viewer};
use serde::Deserialize;
use serde_json::json;
use store::CategoryWithCount;

/// A category as typed; on update, missing fields keep their value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryInput {
    pub name: Option<String>,
    /// `#rrggbb`.
    pub colour: Option<String>,
}

fn parse(input: &CategoryInput, base_name: &str, base_colour: &str) -> Result<(String, String)> {
    let mut errors = FieldErrors::new();
    let name = domain::text::parse_name(input.name.as_deref().unwrap_or(base_name), "name")
        .map_err(|e| errors.insert("name", e))
        .ok();
    // A colour stored before the contrast check may stay as it is; a new one must carry the
    // kiosk card's white text at WCAG AA.
    let colour = parse_colour(input.colour.as_deref().unwrap_or(base_colour))
        .and_then(|c| match c == base_colour {
            true => Ok(c),
            false => check_card_colour(&c).map(|()| c),
        })
        .map_err(|e| errors.insert("colour", e))
        .ok();
    match (name, colour) {
        (Some(name), Some(colour)) => Ok((name, colour)),
        _ => Err(AppError::Validation(errors)),
    }
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    page: PageNumber,
) -> Result<(Vec<CategoryWithCount>, i64)> {
    authorize(state, viewer, Permission::ManageCategories).await?;
    Ok(state.store.list_categories(page).await?)
}

pub async fn get(state: &AppState, viewer: &Viewer, id: CategoryId) -> Result<CategoryWithCount> {
    authorize(state, viewer, Permission::ManageCategories).await?;
    state.store.category(id).await?.ok_or(AppError::NotFound)
}

pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    input: &CategoryInput,
) -> Result<CategoryWithCount> {
    authorize(state, viewer, Permission::ManageCategories).await?;
    let (name, colour) = parse(input, "", "")?;
    let now = state.now();
    let category = Category {
        id: CategoryId::new(),
        name,
        colour,
        created_at: now,
        updated_at: now,
    };
    let mut tx = state.store.begin().await?;
    tx.insert_category(&category).await?;
    let event = NewAuditEvent::new(now, viewer.actor(), Action::CategoryCreated)
        .target("category", category.id, category.name.as_str())
        .details(json!({ "name": category.name, "colour": category.colour }));
    tx.commit(event).await?;
    Ok(CategoryWithCount {
        category,
        listing_count: 0,
    })
}

pub async fn update(
    state: &AppState,
    viewer: &Viewer,
    id: CategoryId,
    input: &CategoryInput,
) -> Result<CategoryWithCount> {
    let current = get(state, viewer, id).await?;
    let before = &current.category;
    let (name, colour) = parse(input, &before.name, &before.colour)?;
    let mut changes = serde_json::Map::new();
    if name != before.name {
        changes.insert("name".into(), json!([before.name, name]));
    }
    if colour != before.colour {
        changes.insert("colour".into(), json!([before.colour, colour]));
    }
    if changes.is_empty() {
        return Ok(current);
    }
    let after = Category {
        name,
        colour,
        updated_at: state.now(),
        ..before.clone()
    };
    let mut tx = state.store.begin().await?;
    tx.update_category(&after).await?;
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::CategoryUpdated)
        .target("category", id, after.name.as_str())
        .details(serde_json::Value::Object(changes));
    tx.commit(event).await?;
    Ok(CategoryWithCount {
        category: after,
        listing_count: current.listing_count,
    })
}

/// Deletes the category and unlinks it from its listings; returns how many listings used it.
pub async fn delete(state: &AppState, viewer: &Viewer, id: CategoryId) -> Result<i64> {
    let current = get(state, viewer, id).await?;
    let mut tx = state.store.begin().await?;
    let used = tx.delete_category(id).await?.ok_or(AppError::NotFound)?;
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::CategoryDeleted)
        .target("category", id, current.category.name.as_str())
        .details(json!({ "listings_unlinked": used }));
    tx.commit(event).await?;
    Ok(used)
}
