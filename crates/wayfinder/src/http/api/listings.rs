//! `/providers/{id}/listings` and `/listings/{id}` (SPEC §12): a provider's listings, for
//! administrators and the provider's members.

use super::ApiJson;
use super::views::Paged;
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::{AppError, Result};
use crate::http::shared::{QueryParams, path_id};
use crate::service::listings::{self, ListingPatch};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::PageNumber;
use domain::listing::Listing;
use domain::{GenderFilter, IndigenousFilter};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update, remove))
}

fn strings<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .build()
}

fn kind_schema() -> Object {
    strings(
        ["information", "booking"],
        "Fixed once the listing is created.",
    )
}

fn gender_schema() -> Object {
    strings(
        GenderFilter::ALL.iter().map(|g| g.as_str()),
        "Who the listing is for by gender.",
    )
}

fn indigenous_schema() -> Object {
    strings(
        IndigenousFilter::ALL.iter().map(|i| i.as_str()),
        "Who the listing is for by Indigenous status.",
    )
}

/// A listing (SPEC §12).
#[derive(Serialize, ToSchema)]
pub struct ListingView {
    pub id: String,
    pub provider_id: String,
    #[schema(schema_with = kind_schema)]
    pub kind: &'static str,
    pub name: String,
    pub description: String,
    pub eligibility_notes: String,
    #[schema(schema_with = gender_schema)]
    pub gender: &'static str,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    #[schema(schema_with = indigenous_schema)]
    pub indigenous: &'static str,
    pub category_ids: Vec<String>,
}

impl From<&Listing> for ListingView {
    fn from(l: &Listing) -> Self {
        Self {
            id: l.id.to_string(),
            provider_id: l.provider_id.to_string(),
            kind: l.kind.as_str(),
            name: l.name.clone(),
            description: l.description.clone(),
            eligibility_notes: l.eligibility_notes.clone(),
            gender: l.gender.as_str(),
            min_age: l.min_age,
            max_age: l.max_age,
            indigenous: l.indigenous.as_str(),
            category_ids: l.category_ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A present field, `null` included (`Some(None)`), as opposed to a missing one (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A listing as sent. On `POST`, `kind`, `name` and `category_ids` are needed; on `PATCH`,
/// missing fields keep their value, `null` ages remove the limit, and `kind` may only repeat
/// the listing's own. Filter values outside their lists answer `422` on the field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ListingBody {
    /// `information` or `booking`.
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub eligibility_notes: Option<String>,
    /// At least one category id.
    pub category_ids: Option<Vec<String>>,
    /// `any`, `male` or `female`.
    pub gender: Option<String>,
    /// Years, 0–130, inclusive; `null` for no lower limit.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub min_age: Option<Option<i64>>,
    /// Years, 0–130, inclusive; `null` for no upper limit.
    #[serde(deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub max_age: Option<Option<i64>>,
    /// `any`, `aboriginal_or_torres_strait_islander` or `non_indigenous`.
    pub indigenous: Option<String>,
}

impl ListingBody {
    fn patch(self) -> ListingPatch {
        let age = |a: Option<Option<i64>>| a.map(|a| a.map(|n| n.to_string()).unwrap_or_default());
        ListingPatch {
            kind: self.kind,
            name: self.name,
            description: self.description,
            eligibility_notes: self.eligibility_notes,
            category_ids: self.category_ids,
            gender: self.gender,
            min_age: age(self.min_age),
            max_age: age(self.max_age),
            indigenous: self.indigenous,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListingQuery {
    /// `information` or `booking`; both kinds when missing.
    pub kind: Option<String>,
    /// The page, from 1 (a number out of range is clamped).
    pub page: Option<i64>,
}

#[utoipa::path(get, path = "/providers/{id}/listings",
    extensions(("x-permission" = json!("manage_listings"))), operation_id = "list_listings",
    tag = "listings",
    params(("id" = String, Path, description = "The provider's id."), ListingQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of the provider's listings, by name.",
            body = Paged<ListingView>),
        (status = 422, description = "An unknown kind (`validation`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<ListingQuery>,
) -> Result<Json<Paged<ListingView>>> {
    let page = PageNumber::new(query.page);
    let kind = match query.kind.as_deref() {
        None => None,
        kind => Some(listings::parse_kind(kind).map_err(|m| AppError::field("kind", m))?),
    };
    let provider = path_id(&id)?;
    let (items, total) = listings::list(&state, &access.viewer, provider, kind, page).await?;
    Ok(Json(Paged {
        items: items.iter().map(ListingView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/providers/{id}/listings",
    extensions(("x-permission" = json!("manage_listings"))), operation_id = "create_listing",
    tag = "listings",
    params(("id" = String, Path, description = "The provider's id.")),
    request_body = ListingBody,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Created.", body = ListingView),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ListingBody>,
) -> Result<(StatusCode, Json<ListingView>)> {
    let listing = listings::create(&state, &access.viewer, path_id(&id)?, &body.patch()).await?;
    Ok((StatusCode::CREATED, Json(ListingView::from(&listing))))
}

#[utoipa::path(get, path = "/listings/{id}",
    extensions(("x-permission" = json!("manage_listings"))), operation_id = "get_listing", tag = "listings",
    params(("id" = String, Path, description = "The listing's id.")),
    security(("session_cookie" = [])),
    responses((status = 200, description = "The listing.", body = ListingView)))]
async fn show(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<Json<ListingView>> {
    let listing = listings::get(&state, &access.viewer, path_id(&id)?).await?;
    Ok(Json(ListingView::from(&listing)))
}

#[utoipa::path(patch, path = "/listings/{id}",
    extensions(("x-permission" = json!("manage_listings"))), operation_id = "update_listing", tag = "listings",
    params(("id" = String, Path, description = "The listing's id.")),
    request_body = ListingBody,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "The listing as changed.", body = ListingView),
        (status = 422, description = "A field needs attention, or another kind \
            (`validation`)."),
    ))]
async fn update(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ListingBody>,
) -> Result<Json<ListingView>> {
    let listing = listings::update(&state, &access.viewer, path_id(&id)?, &body.patch()).await?;
    Ok(Json(ListingView::from(&listing)))
}

#[utoipa::path(delete, path = "/listings/{id}",
    extensions(("x-permission" = json!("manage_listings"))), operation_id = "delete_listing",
    tag = "listings",
    params(("id" = String, Path, description = "The listing's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted, with its slots."),
        (status = 409, description = "A booking listing with upcoming booked appointments; \
            the message says how many (`conflict`)."),
    ))]
async fn remove(
    State(state): State<AppState>,
    access: Require<perm::ManageListings>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    listings::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
