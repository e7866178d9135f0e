//! The kiosk API (SPEC §12): the kiosk session's use cases for a station, authenticated by its
//! link token as `Authorization: Bearer` (no cookie, no CSRF token).

use super::ApiJson;
use super::kiosk_views::{SessionView, ShownView, session_view};
use super::views::CategoryView;
use crate::AppState;
use crate::auth::station::KioskStation;
use crate::error::{AppError, Result};
use crate::http::shared::path_id;
use crate::service::kiosk::{self, KioskPrincipal, flow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::kiosk::{AgeAnswer, Demographics};
use domain::{CategoryId, KioskSessionId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(start))
        .routes(routes!(show))
        .routes(routes!(consent))
        .routes(routes!(demographics))
        .routes(routes!(choose_categories))
        .routes(routes!(listings))
        .routes(routes!(add_selection))
        .routes(routes!(remove_selection))
        .routes(routes!(submit))
        .routes(routes!(terminate))
}

fn principal(station: &KioskStation) -> KioskPrincipal {
    KioskPrincipal {
        id: station.station.id,
        name: station.station.name.clone(),
    }
}

/// An id in a body: one that cannot be read is a field error, not a 500.
fn body_id<T: std::str::FromStr>(text: &str, field: &'static str) -> Result<T> {
    text.parse()
        .map_err(|_| AppError::field(field, "This is not a valid id."))
}

#[derive(Serialize, ToSchema)]
pub struct KioskCategories {
    pub items: Vec<CategoryView>,
}

#[utoipa::path(get, path = "/kiosk/categories", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_categories",
    security(("station_token" = [])),
    responses((status = 200, description = "Every category that has a listing, by name.", body = KioskCategories)))]
async fn categories(
    State(state): State<AppState>,
    _station: KioskStation,
) -> Result<Json<KioskCategories>> {
    let items = kiosk::categories(&state).await?;
    Ok(Json(KioskCategories {
        items: items.iter().map(CategoryView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/kiosk/sessions", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_start_session",
    security(("station_token" = [])),
    responses((status = 201, description = "Started, at step `consent`.", body = SessionView)))]
async fn start(
    State(state): State<AppState>,
    station: KioskStation,
) -> Result<(StatusCode, Json<SessionView>)> {
    let station = principal(&station);
    let id = flow::start(&state, &station).await?;
    let session = flow::current(&state, &station, id).await?;
    Ok((StatusCode::CREATED, Json(session_view(&session))))
}

async fn answer(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<Json<SessionView>> {
    Ok(Json(session_view(
        &flow::current(state, station, id).await?,
    )))
}

#[utoipa::path(get, path = "/kiosk/sessions/{id}", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_show_session",
    params(("id" = String, Path, description = "The session's id.")),
    security(("station_token" = [])),
    responses((status = 200, description = "The session.", body = SessionView)))]
async fn show(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
) -> Result<Json<SessionView>> {
    answer(&state, &principal(&station), path_id(&id)?).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// `true`: the client agrees.
    pub consent: bool,
}

#[utoipa::path(post, path = "/kiosk/sessions/{id}/consent", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_consent",
    params(("id" = String, Path, description = "The session's id.")),
    request_body = ConsentBody, security(("station_token" = [])),
    responses(
        (status = 200, description = "Recorded.", body = SessionView),
        (status = 409, description = "The session has ended (`session_ended`)."),
        (status = 422, description = "The client did not agree (`validation`)."),
    ))]
async fn consent(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ConsentBody>,
) -> Result<Json<SessionView>> {
    let (station, id) = (principal(&station), path_id(&id)?);
    flow::consent(&state, &station, id, body.consent).await?;
    answer(&state, &station, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemographicsBody {
    /// `male`, `female`, `other` or `prefer_not_to_say`.
    pub gender: String,
    /// Whole years, 0–130; `null` when the client prefers not to say.
    pub age: Option<i64>,
    /// `aboriginal_or_torres_strait_islander`, `non_indigenous` or `prefer_not_to_say`.
    pub indigenous_status: String,
}

#[utoipa::path(put, path = "/kiosk/sessions/{id}/demographics", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_demographics",
    params(("id" = String, Path, description = "The session's id.")),
    request_body = DemographicsBody, security(("station_token" = [])),
    responses(
        (status = 200, description = "Recorded.", body = SessionView),
        (status = 409, description = "Consent is not given yet (`step_not_reached`), or the \
            session has ended (`session_ended`)."),
        (status = 422, description = "An answer needs attention (`validation`)."),
    ))]
async fn demographics(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DemographicsBody>,
) -> Result<Json<SessionView>> {
    let (station, id) = (principal(&station), path_id(&id)?);
    let age = body.age.map(|a| a.to_string());
    let age = age
        .as_deref()
        .map_or(AgeAnswer::PreferNotToSay, AgeAnswer::Years);
    let answers = Demographics::parse(&body.gender, age, &body.indigenous_status)
        .map_err(AppError::Validation)?;
    flow::demographics(&state, &station, id, &answers).await?;
    answer(&state, &station, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoriesBody {
    /// One or more category ids.
    pub category_ids: Vec<String>,
}

#[utoipa::path(put, path = "/kiosk/sessions/{id}/categories", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_categories_choose",
    params(("id" = String, Path, description = "The session's id.")),
    request_body = CategoriesBody, security(("station_token" = [])),
    responses(
        (status = 200, description = "Recorded.", body = SessionView),
        (status = 409, description = "An earlier step is not done (`step_not_reached`), or the \
            session has ended (`session_ended`)."),
        (status = 422, description = "No category, or one that does not exist (`validation`)."),
    ))]
async fn choose_categories(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CategoriesBody>,
) -> Result<Json<SessionView>> {
    let (station, id) = (principal(&station), path_id(&id)?);
    let chosen = body
        .category_ids
        .iter()
        .map(|c| body_id::<CategoryId>(c, "category_ids"))
        .collect::<Result<Vec<_>>>()?;
    flow::categories(&state, &station, id, &chosen).await?;
    answer(&state, &station, id).await
}

#[derive(Serialize, ToSchema)]
pub struct KioskListings {
    pub items: Vec<ShownView>,
}

#[utoipa::path(get, path = "/kiosk/sessions/{id}/listings", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_listings",
    params(("id" = String, Path, description = "The session's id.")),
    security(("station_token" = [])),
    responses(
        (status = 200, description = "The listings shown, in display order (the fallback \
            provider's last), each with its free upcoming slots.", body = KioskListings),
        (status = 409, description = "An earlier step is not done (`step_not_reached`), or the \
            session has ended (`session_ended`)."),
    ))]
async fn listings(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
) -> Result<Json<KioskListings>> {
    let shown = kiosk::listings::listings(&state, &principal(&station), path_id(&id)?).await?;
    Ok(Json(KioskListings {
        items: shown.iter().map(ShownView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionBody {
    pub listing_id: String,
    /// A free slot of the listing: required for a booking listing, absent otherwise.
    #[serde(default)]
    pub slot_id: Option<String>,
}

#[utoipa::path(post, path = "/kiosk/sessions/{id}/selections", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_add_selection",
    params(("id" = String, Path, description = "The session's id.")),
    request_body = SelectionBody, security(("station_token" = [])),
    responses(
        (status = 201, description = "Added to the plan (a slot is held).", body = SessionView),
        (status = 409, description = "The slot is held or booked by another session \
            (`slot_taken`), an earlier step is not done (`step_not_reached`), or the session \
            has ended (`session_ended`)."),
        (status = 422, description = "A listing not shown to this session, or a slot missing \
            or not of the listing (`validation`)."),
    ))]
async fn add_selection(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SelectionBody>,
) -> Result<(StatusCode, Json<SessionView>)> {
    let (station, id) = (principal(&station), path_id(&id)?);
    let listing = body_id(&body.listing_id, "listing_id")?;
    let slot = body
        .slot_id
        .as_deref()
        .map(|s| body_id(s, "slot_id"))
        .transpose()?;
    flow::add_selection(&state, &station, id, listing, slot).await?;
    Ok((StatusCode::CREATED, answer(&state, &station, id).await?))
}

#[utoipa::path(delete, path = "/kiosk/sessions/{id}/selections/{listing_id}", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_remove_selection",
    params(("id" = String, Path, description = "The session's id."),
        ("listing_id" = String, Path, description = "The listing to take out of the plan.")),
    security(("station_token" = [])),
    responses(
        (status = 204, description = "Removed; any hold is released."),
        (status = 409, description = "An earlier step is not done (`step_not_reached`), or the \
            session has ended (`session_ended`)."),
    ))]
async fn remove_selection(
    State(state): State<AppState>,
    station: KioskStation,
    Path((id, listing)): Path<(String, String)>,
) -> Result<StatusCode> {
    let station = principal(&station);
    flow::remove_selection(&state, &station, path_id(&id)?, path_id(&listing)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    /// The client's name: required when the plan holds a booking, ignored otherwise.
    #[serde(default)]
    pub client_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    pub session: SessionView,
    /// The print page, a path under `/kiosk` that the station's browser can open.
    pub print_url: &'static str,
}

#[utoipa::path(post, path = "/kiosk/sessions/{id}/submit", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_submit",
    params(("id" = String, Path, description = "The session's id.")),
    request_body = SubmitBody, security(("station_token" = [])),
    responses(
        (status = 200, description = "Completed: holds became bookings and their \
            confirmations are queued.", body = Submitted),
        (status = 409, description = "A chosen time was taken meanwhile (`slot_taken`), the \
            categories are not chosen yet (`step_not_reached`), or the session has ended \
            (`session_ended`)."),
        (status = 422, description = "The plan holds a booking and the client's name is \
            missing or not valid (`validation`)."),
    ))]
async fn submit(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> Result<Json<Submitted>> {
    let (station, id) = (principal(&station), path_id(&id)?);
    kiosk::submit::submit(&state, &station, id, body.client_name.as_deref()).await?;
    let Json(session) = answer(&state, &station, id).await?;
    Ok(Json(Submitted {
        session,
        print_url: "/kiosk/print",
    }))
}

#[utoipa::path(post, path = "/kiosk/sessions/{id}/terminate", tag = "kiosk",
    extensions(("x-permission" = json!("station"))), operation_id = "kiosk_terminate",
    params(("id" = String, Path, description = "The session's id.")),
    security(("station_token" = [])),
    responses(
        (status = 204, description = "Ended as cancelled; holds released."),
        (status = 409, description = "The session has ended already (`session_ended`)."),
    ))]
async fn terminate(
    State(state): State<AppState>,
    station: KioskStation,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    flow::terminate(&state, &principal(&station), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
