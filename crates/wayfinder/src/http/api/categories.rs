//! `/categories` (SPEC §6), administrators only.

use super::ApiJson;
use super::providers::PageQuery;
use super::views::{CategoryView, Paged};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, path_id};
use crate::service::categories::{self, CategoryInput};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::PageNumber;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update, remove))
}

#[utoipa::path(get, path = "/categories", extensions(("x-permission" = json!("manage_categories"))), operation_id = "list_categories", tag = "categories",
    params(PageQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of categories.", body = Paged<CategoryView>),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ManageCategories>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Paged<CategoryView>>> {
    let page = PageNumber::new(query.page);
    let (items, total) = categories::list(&state, &access.viewer, page).await?;
    Ok(Json(Paged {
        items: items.iter().map(CategoryView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/categories", extensions(("x-permission" = json!("manage_categories"))), operation_id = "create_category", tag = "categories",
    request_body = CategoryInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Created.", body = CategoryView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "A category with this name exists (`conflict`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageCategories>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> Result<(StatusCode, Json<CategoryView>)> {
    let category = categories::create(&state, &access.viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(CategoryView::from(&category))))
}

#[utoipa::path(get, path = "/categories/{id}", extensions(("x-permission" = json!("manage_categories"))), operation_id = "get_category", tag = "categories",
    params(("id" = String, Path, description = "The category's id.")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The category.", body = CategoryView),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn show(
    State(state): State<AppState>,
    access: Require<perm::ManageCategories>,
    Path(id): Path<String>,
) -> Result<Json<CategoryView>> {
    Ok(Json(CategoryView::from(
        &categories::get(&state, &access.viewer, path_id(&id)?).await?,
    )))
}

#[utoipa::path(patch, path = "/categories/{id}", extensions(("x-permission" = json!("manage_categories"))), operation_id = "update_category",
    tag = "categories",
    params(("id" = String, Path, description = "The category's id.")),
    request_body = CategoryInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "The category as changed.", body = CategoryView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "A category with this name exists (`conflict`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn update(
    State(state): State<AppState>,
    access: Require<perm::ManageCategories>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> Result<Json<CategoryView>> {
    let category = categories::update(&state, &access.viewer, path_id(&id)?, &input).await?;
    Ok(Json(CategoryView::from(&category)))
}

#[utoipa::path(delete, path = "/categories/{id}", extensions(("x-permission" = json!("manage_categories"))), operation_id = "delete_category",
    tag = "categories",
    params(("id" = String, Path, description = "The category's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn remove(
    State(state): State<AppState>,
    access: Require<perm::ManageCategories>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    categories::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
