//! `/listings/{id}/slots` and `/slots/{id}` (SPEC §12): appointment slots of booking listings,
//! for administrators and the listing's provider's members.

use super::ApiJson;
use super::views::Paged;
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, path_id};
use crate::service::slot_input::NewSlotsInput;
use crate::service::slots::{self, Range, SlotLine};
use crate::service::zone;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::PageNumber;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(remove))
}

/// The slot statuses.
fn status_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["free", "held", "booked"]))
        .description(Some(
            "`held` while a kiosk session is choosing it, `booked` once a client took it.",
        ))
        .build()
}

/// An appointment slot (SPEC §12).
#[derive(Serialize, ToSchema)]
pub struct SlotView {
    pub id: String,
    pub listing_id: String,
    /// RFC 3339, with the configured time zone's offset at that instant.
    #[schema(format = DateTime)]
    pub starts_at: String,
    pub duration_minutes: i64,
    #[schema(schema_with = status_schema)]
    pub status: &'static str,
}

impl SlotView {
    fn of(state: &AppState, line: &SlotLine) -> Self {
        let e = &line.entry;
        SlotView {
            id: e.id.to_string(),
            listing_id: e.listing_id.to_string(),
            starts_at: zone::rfc3339(e.starts_at, &state.config.timezone),
            duration_minutes: e.duration_minutes,
            status: e.status.as_str(),
        }
    }
}

/// The slots a request created.
#[derive(Serialize, ToSchema)]
pub struct CreatedSlots {
    pub items: Vec<SlotView>,
}

/// Which slots to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SlotQuery {
    /// From this instant (RFC 3339) or day (`YYYY-MM-DD`, from its start); from now when absent.
    pub from: Option<String>,
    /// Up to this instant (RFC 3339, excluded) or day (`YYYY-MM-DD`, included whole).
    pub to: Option<String>,
    /// The page, from 1 (a number out of range is clamped).
    pub page: Option<i64>,
}

/// Whether removing a held or booked slot is meant.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct RemoveQuery {
    /// Also remove a held or booked slot, cancelling its booking.
    pub cancel_booking: Option<bool>,
}

#[utoipa::path(get, path = "/listings/{id}/slots", extensions(("x-permission" = json!("manage_listings"))),
    operation_id = "list_slots", tag = "slots",
    params(("id" = String, Path, description = "The booking listing's id."), SlotQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of the listing's slots, by start.",
            body = Paged<SlotView>),
        (status = 422, description = "Not a booking listing, or a bad range (`validation`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<SlotQuery>,
) -> Result<Json<Paged<SlotView>>> {
    let listing_id = path_id(&id)?;
    let range = Range::parse(&state, query.from.as_deref(), query.to.as_deref())?;
    let page = PageNumber::new(query.page);
    let (lines, total) = slots::list(&state, &access.viewer, listing_id, range, page).await?;
    Ok(Json(Paged {
        items: lines.iter().map(|l| SlotView::of(&state, l)).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/listings/{id}/slots", extensions(("x-permission" = json!("manage_listings"))),
    operation_id = "create_slots", tag = "slots",
    params(("id" = String, Path, description = "The booking listing's id.")),
    request_body = NewSlotsInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Every slot of the series, by start.", body = CreatedSlots),
        (status = 409, description = "The listing already has a slot at one of the starts; \
            nothing was created and the message names each such time (`conflict`)."),
        (status = 422, description = "A field needs attention, more than 500 slots, or not a \
            booking listing (`validation`)."),
    ))]
async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewSlotsInput>,
) -> Result<(StatusCode, Json<CreatedSlots>)> {
    let listing_id = path_id(&id)?;
    slots::booking_listing(&state, &access.viewer, listing_id).await?;
    let request = input.request(&state.config.timezone)?;
    let created = slots::create(&state, &access.viewer, listing_id, &request).await?;
    let items = created.iter().map(|l| SlotView::of(&state, l)).collect();
    Ok((StatusCode::CREATED, Json(CreatedSlots { items })))
}

#[utoipa::path(delete, path = "/slots/{id}", extensions(("x-permission" = json!("manage_listings"))),
    operation_id = "delete_slot", tag = "slots",
    params(("id" = String, Path, description = "The slot's id."), RemoveQuery),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Removed (with its booking, when cancelled)."),
        (status = 409, description = "Held or booked, and `cancel_booking` was not given \
            (`conflict`)."),
    ))]
async fn remove(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<RemoveQuery>,
) -> Result<StatusCode> {
    let cancel = query.cancel_booking.unwrap_or(false);
    slots::remove(&state, &access.viewer, path_id(&id)?, cancel).await?;
    Ok(StatusCode::NO_CONTENT)
}
