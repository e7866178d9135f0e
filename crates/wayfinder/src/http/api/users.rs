//! `/users`: the Users section for administrators (SPEC §3).

use super::views::{Paged, UserView};
use super::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::{AppError, Result};
use crate::service::users::{self, NewUser, UserChanges};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{PageNumber, Role};
use serde::Deserialize;
use store::UserFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(show).patch(update).delete(remove))
        .route("/users/{id}/invitation", post(resend_invitation))
}

/// Search and filters of the users grid.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct UserQuery {
    /// Part of the name or email.
    pub q: Option<String>,
    /// `admin` or `user`.
    pub role: Option<String>,
    pub provider_id: Option<String>,
    pub page: Option<i64>,
}

impl UserQuery {
    pub fn filter(&self) -> Result<UserFilter> {
        let role = match self.role.as_deref().filter(|r| !r.is_empty()) {
            Some(role) => Some(
                Role::parse(role)
                    .ok_or_else(|| AppError::field("role", "Choose admin or user."))?,
            ),
            None => None,
        };
        let provider_id = match self.provider_id.as_deref().filter(|p| !p.is_empty()) {
            Some(id) => Some(
                id.parse()
                    .map_err(|_| AppError::field("provider_id", "Unknown provider."))?,
            ),
            None => None,
        };
        let q = domain::text::parse_query(self.q.as_deref())
            .map_err(|message| AppError::field("q", message))?;
        Ok(UserFilter {
            q,
            role,
            provider_id,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/users", params(UserQuery), tag = "users",
    responses((status = 200, body = Paged<UserView>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> Result<Json<Paged<UserView>>> {
    let page = PageNumber::new(query.page);
    let (cards, total) = users::list(&state, &query.filter()?, page).await?;
    let items = cards
        .iter()
        .map(|c| UserView::from_card(c, state.now()))
        .collect();
    Ok(Json(Paged {
        items,
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser, tag = "users",
    responses((status = 201, body = UserView), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user = users::create(&state, &admin.actor(), &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView::load(&state, &user).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 200, body = UserView), (status = 404)))]
async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>> {
    let card = users::get(&state, path_id(&id)?).await?;
    Ok(Json(UserView::from_card(&card, state.now())))
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", request_body = UserChanges, tag = "users",
    responses((status = 200, body = UserView), (status = 404), (status = 409), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> Result<Json<UserView>> {
    let user = users::update(&state, &admin.actor(), path_id(&id)?, &changes).await?;
    Ok(Json(UserView::load(&state, &user).await?))
}

#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 204), (status = 404), (status = 409)))]
async fn remove(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    users::delete(&state, &admin.actor(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/users/{id}/invitation", tag = "users",
    responses((status = 202, body = UserView), (status = 404), (status = 409)))]
async fn resend_invitation(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user = users::resend_invitation(&state, &admin.actor(), path_id(&id)?).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(UserView::load(&state, &user).await?),
    ))
}
