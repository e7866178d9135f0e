//! `/categories` (SPEC §6), administrators only.

use super::providers::PageQuery;
use super::views::{CategoryView, Paged};
use super::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::Result;
use crate::service::categories::{self, CategoryInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use domain::PageNumber;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/categories", get(list).post(create))
        .route("/categories/{id}", get(show).patch(update).delete(remove))
}

#[utoipa::path(get, path = "/api/v1/categories", params(PageQuery), tag = "categories",
    responses((status = 200, body = Paged<CategoryView>), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<CategoryView>>> {
    let page = PageNumber::new(query.page);
    let (items, total) = categories::list(&state, page).await?;
    Ok(Json(Paged {
        items: items.iter().map(CategoryView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/api/v1/categories", request_body = CategoryInput, tag = "categories",
    responses((status = 201, body = CategoryView), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(input): ApiJson<CategoryInput>,
) -> Result<(StatusCode, Json<CategoryView>)> {
    let category = categories::create(&state, &admin.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(CategoryView::from(&category))))
}

#[utoipa::path(get, path = "/api/v1/categories/{id}", tag = "categories",
    responses((status = 200, body = CategoryView), (status = 404)))]
async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<CategoryView>> {
    Ok(Json(CategoryView::from(
        &categories::get(&state, path_id(&id)?).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v1/categories/{id}", request_body = CategoryInput, tag = "categories",
    responses((status = 200, body = CategoryView), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> Result<Json<CategoryView>> {
    let category = categories::update(&state, &admin.actor(), path_id(&id)?, &input).await?;
    Ok(Json(CategoryView::from(&category)))
}

#[utoipa::path(delete, path = "/api/v1/categories/{id}", tag = "categories",
    responses((status = 204), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    categories::delete(&state, &admin.actor(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
