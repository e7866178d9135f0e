//! `/users`: the Users section for administrators (SPEC §3).

use super::views::{Paged, UserView};
use super::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::{AppError, Result};
use crate::service::users::{self, NewUser, UserChanges};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::{PageNumber, Role};
use serde::Deserialize;
use store::UserFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update, remove))
        .routes(routes!(resend_invitation))
}

/// Search and filters of the users grid.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UserQuery {
    /// Part of the name or email.
    pub q: Option<String>,
    /// Only accounts with this role.
    #[param(schema_with = super::views::role_schema)]
    pub role: Option<String>,
    /// Only members of this provider.
    pub provider_id: Option<String>,
    /// The page, from 1 (a number out of range is clamped).
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

#[utoipa::path(get, path = "/users", operation_id = "list_users", tag = "users",
    params(UserQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of accounts.", body = Paged<UserView>),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "An unknown role or provider id (`validation`)."),
    ))]
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

#[utoipa::path(post, path = "/users", operation_id = "create_user", tag = "users",
    request_body = NewUser,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Created and invited.", body = UserView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "An account with this email exists (`conflict`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
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

#[utoipa::path(get, path = "/users/{id}", operation_id = "get_user", tag = "users",
    params(("id" = String, Path, description = "The account's id.")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The account.", body = UserView),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn show(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>> {
    let card = users::get(&state, path_id(&id)?).await?;
    Ok(Json(UserView::from_card(&card, state.now())))
}

#[utoipa::path(patch, path = "/users/{id}", operation_id = "update_user", tag = "users",
    params(("id" = String, Path, description = "The account's id.")),
    request_body = UserChanges,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "The account as changed.", body = UserView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "The last administrator cannot stop being one \
            (`conflict`)."),
        (status = 422, description = "A field needs attention, or an attempt to change the \
            email (`validation`)."),
    ))]
async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> Result<Json<UserView>> {
    let user = users::update(&state, &admin.actor(), path_id(&id)?, &changes).await?;
    Ok(Json(UserView::load(&state, &user).await?))
}

#[utoipa::path(delete, path = "/users/{id}", operation_id = "delete_user", tag = "users",
    params(("id" = String, Path, description = "The account's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted, with its memberships and sessions."),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "The last administrator, or the caller's own account \
            (`conflict`)."),
    ))]
async fn remove(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    users::delete(&state, &admin.actor(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{id}/invitation", operation_id = "resend_invitation",
    tag = "users",
    params(("id" = String, Path, description = "The account's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 202, description = "A fresh invitation is on its way.", body = UserView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 409, description = "The person has already signed in (`conflict`)."),
    ))]
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
