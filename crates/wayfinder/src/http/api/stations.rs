//! `/stations` (SPEC §8.2, §12), administrators only. The link, with its token, is in the
//! answer that creates it or replaces it, and nowhere else.

use super::ApiJson;
use super::providers::PageQuery;
use super::views::Paged;
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, path_id};
use crate::service::stations::{self, StationInput, WithLink};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::PageNumber;
use domain::listing::Station;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(replace_link))
        .routes(routes!(revoke))
}

/// A kiosk station; its token is never part of it.
#[derive(Serialize, ToSchema)]
pub struct StationView {
    pub id: String,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<time::OffsetDateTime>,
}

impl From<&Station> for StationView {
    fn from(s: &Station) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            revoked_at: s.revoked_at,
        }
    }
}

/// A station with the link that opens it: shown this once.
#[derive(Serialize, ToSchema)]
pub struct StationWithLink {
    pub station: StationView,
    /// `{base_url}/kiosk?station=TOKEN`.
    pub link: String,
}

impl From<&WithLink> for StationWithLink {
    fn from(w: &WithLink) -> Self {
        Self {
            station: StationView::from(&w.station),
            link: w.link.clone(),
        }
    }
}

#[utoipa::path(get, path = "/stations", extensions(("x-permission" = json!("manage_stations"))), operation_id = "list_stations", tag = "stations",
    params(PageQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of stations, active and revoked, by name.", body = Paged<StationView>),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ManageStations>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Paged<StationView>>> {
    let page = PageNumber::new(query.page);
    let (items, total) = stations::list(&state, &access.viewer, page).await?;
    Ok(Json(Paged {
        items: items.iter().map(StationView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/stations", extensions(("x-permission" = json!("manage_stations"))), operation_id = "create_station", tag = "stations",
    request_body = StationInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Created; the only answer that shows the link.", body = StationWithLink),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageStations>,
    ApiJson(input): ApiJson<StationInput>,
) -> Result<(StatusCode, Json<StationWithLink>)> {
    let created = stations::create(&state, &access.viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(StationWithLink::from(&created))))
}

#[utoipa::path(post, path = "/stations/{id}/link", extensions(("x-permission" = json!("manage_stations"))), operation_id = "replace_station_link", tag = "stations",
    params(("id" = String, Path, description = "The station's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "A new link; the old one no longer works.", body = StationWithLink),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 404, description = "No such station (`not_found`)."),
        (status = 409, description = "The station is revoked (`conflict`)."),
    ))]
async fn replace_link(
    State(state): State<AppState>,
    access: Require<perm::ManageStations>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<StationWithLink>)> {
    let replaced = stations::replace_link(&state, &access.viewer, path_id(&id)?).await?;
    Ok((StatusCode::CREATED, Json(StationWithLink::from(&replaced))))
}

#[utoipa::path(delete, path = "/stations/{id}", extensions(("x-permission" = json!("manage_stations"))), operation_id = "revoke_station", tag = "stations",
    params(("id" = String, Path, description = "The station's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Revoked, with any kiosk session running on it ended."),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 404, description = "No such station (`not_found`)."),
    ))]
async fn revoke(
    State(state): State<AppState>,
    access: Require<perm::ManageStations>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    stations::revoke(&state, &access.viewer, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
