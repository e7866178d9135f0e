//! `/users`: the Users section for administrators (SPEC §3).

use super::ApiJson;
use super::views::{Paged, UserView};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, path_id};
use crate::service::users::{self, NewUser, UserChanges, UserQuery};
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
        .routes(routes!(resend_invitation))
}

/// Search and filters of the users grid.
#[utoipa::path(get, path = "/users", extensions(("x-permission" = json!("manage_users"))), operation_id = "list_users", tag = "users",
    params(UserQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of accounts.", body = Paged<UserView>),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "An unknown role or provider id (`validation`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ManageUsers>,
    QueryParams(query): QueryParams<UserQuery>,
) -> Result<Json<Paged<UserView>>> {
    let page = PageNumber::new(query.page);
    let (cards, total) =
        users::list(&state, &access.viewer, &query.filter(state.now())?, page).await?;
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

#[utoipa::path(post, path = "/users", extensions(("x-permission" = json!("manage_users"))), operation_id = "create_user", tag = "users",
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
    access: Require<perm::ManageUsers>,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user = users::create(&state, &access.viewer, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView::load(&state, &user).await?),
    ))
}

#[utoipa::path(get, path = "/users/{id}", extensions(("x-permission" = json!("manage_users"))), operation_id = "get_user", tag = "users",
    params(("id" = String, Path, description = "The account's id.")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The account.", body = UserView),
        (status = 403, description = "Administrators only (`forbidden`)."),
    ))]
async fn show(
    State(state): State<AppState>,
    access: Require<perm::ManageUsers>,
    Path(id): Path<String>,
) -> Result<Json<UserView>> {
    let card = users::get(&state, &access.viewer, path_id(&id)?).await?;
    Ok(Json(UserView::from_card(&card, state.now())))
}

#[utoipa::path(patch, path = "/users/{id}", extensions(("x-permission" = json!("manage_users"))), operation_id = "update_user", tag = "users",
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
    access: Require<perm::ManageUsers>,
    Path(id): Path<String>,
    ApiJson(changes): ApiJson<UserChanges>,
) -> Result<Json<UserView>> {
    let user = users::update(&state, &access.viewer, path_id(&id)?, &changes).await?;
    Ok(Json(UserView::load(&state, &user).await?))
}

#[utoipa::path(delete, path = "/users/{id}", extensions(("x-permission" = json!("manage_users"))), operation_id = "delete_user", tag = "users",
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
    access: Require<perm::ManageUsers>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    users::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{id}/invitation", extensions(("x-permission" = json!("manage_users"))), operation_id = "resend_invitation",
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
    access: Require<perm::ManageUsers>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user = users::resend_invitation(&state, &access.viewer, path_id(&id)?).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(UserView::load(&state, &user).await?),
    ))
}
