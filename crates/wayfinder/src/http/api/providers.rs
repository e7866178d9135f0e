//! `/providers`, their members, and the fallback provider setting (SPEC §6).

use super::ApiJson;
use super::views::{Paged, ProviderView, UserView};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, path_id};
use crate::service::members;
use crate::service::providers::{self, ProviderInput};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::PageNumber;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update, remove))
        .routes(routes!(members, add_member))
        .routes(routes!(remove_member))
        .routes(routes!(set_fallback))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageQuery {
    /// The page, from 1 (a number out of range is clamped).
    pub page: Option<i64>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub user_id: String,
}

/// `{"provider_id": id}` sets the fallback provider; `{"provider_id": null}` clears it.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FallbackSetting {
    pub provider_id: Option<String>,
}

#[utoipa::path(get, path = "/providers", extensions(("x-permission" = json!("see_providers"))), operation_id = "list_providers", tag = "providers",
    params(PageQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of the providers the caller may see (all of them \
            for an administrator).", body = Paged<ProviderView>),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Paged<ProviderView>>> {
    let page = PageNumber::new(query.page);
    let (providers, total) = providers::list(&state, &access.viewer, None, page).await?;
    Ok(Json(Paged {
        items: providers.iter().map(ProviderView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/providers", extensions(("x-permission" = json!("manage_providers"))), operation_id = "create_provider", tag = "providers",
    request_body = ProviderInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "Created.", body = ProviderView),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    ApiJson(input): ApiJson<ProviderInput>,
) -> Result<(StatusCode, Json<ProviderView>)> {
    let provider = providers::create(&state, &access.viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(ProviderView::from(&provider))))
}

#[utoipa::path(get, path = "/providers/{id}", extensions(("x-permission" = json!("see_providers"))), operation_id = "get_provider", tag = "providers",
    params(("id" = String, Path, description = "The provider's id.")),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The provider.", body = ProviderView),
    ))]
async fn show(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
) -> Result<Json<ProviderView>> {
    let provider = providers::visible(&state, &access.viewer, path_id(&id)?).await?;
    Ok(Json(ProviderView::from(&provider)))
}

#[utoipa::path(patch, path = "/providers/{id}", extensions(("x-permission" = json!("manage_providers"))), operation_id = "update_provider", tag = "providers",
    params(("id" = String, Path, description = "The provider's id.")),
    request_body = ProviderInput,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "The provider as changed.", body = ProviderView),
        (status = 403, description = "Administrators only; a member may not (`forbidden`)."),
        (status = 422, description = "A field needs attention (`validation`)."),
    ))]
async fn update(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProviderInput>,
) -> Result<Json<ProviderView>> {
    let provider = providers::update(&state, &access.viewer, path_id(&id)?, &input).await?;
    Ok(Json(ProviderView::from(&provider)))
}

#[utoipa::path(delete, path = "/providers/{id}", extensions(("x-permission" = json!("manage_providers"))), operation_id = "delete_provider",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id.")),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Administrators only; a member may not (`forbidden`)."),
    ))]
async fn remove(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    providers::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/providers/{id}/members", extensions(("x-permission" = json!("see_members"))), operation_id = "list_members",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id."), PageQuery),
    security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of the provider's members.", body = Paged<UserView>),
    ))]
async fn members(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Paged<UserView>>> {
    let page = PageNumber::new(query.page);
    let (members, total) = members::page(&state, &access.viewer, path_id(&id)?, page).await?;
    let now = state.now();
    let view = |m: &members::Member| {
        let ids = m.provider_ids.iter().map(ToString::to_string).collect();
        UserView::new(&m.user, ids, now)
    };
    Ok(Json(Paged {
        items: members.iter().map(view).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/providers/{id}/members", extensions(("x-permission" = json!("manage_members"))), operation_id = "add_member",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id.")),
    request_body = NewMember,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 201, description = "The new member.", body = UserView),
        (status = 403, description = "Administrators only; a member may not (`forbidden`)."),
        (status = 409, description = "Already a member (`conflict`)."),
        (status = 422, description = "There is no such user (`validation`)."),
    ))]
async fn add_member(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
    ApiJson(member): ApiJson<NewMember>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user_id = member
        .user_id
        .parse()
        .map_err(|_| crate::error::AppError::field("user_id", crate::error::NO_SUCH_USER))?;
    let user = members::add(&state, &access.viewer, path_id(&id)?, user_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView::load(&state, &user).await?),
    ))
}

#[utoipa::path(delete, path = "/providers/{id}/members/{user_id}", extensions(("x-permission" = json!("manage_members"))), operation_id = "remove_member",
    tag = "providers",
    params(
        ("id" = String, Path, description = "The provider's id."),
        ("user_id" = String, Path, description = "The member's user id."),
    ),
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 204, description = "No longer a member."),
        (status = 403, description = "Administrators only; a member may not (`forbidden`)."),
    ))]
async fn remove_member(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode> {
    members::remove(&state, &access.viewer, path_id(&id)?, path_id(&user_id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/settings/fallback-provider", extensions(("x-permission" = json!("manage_providers"))), operation_id = "set_fallback_provider",
    tag = "providers",
    request_body = FallbackSetting,
    security(("session_cookie" = [], "csrf_token" = [])),
    responses(
        (status = 200, description = "The setting as it now is.", body = FallbackSetting),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "There is no such provider (`validation`)."),
    ))]
async fn set_fallback(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    ApiJson(setting): ApiJson<FallbackSetting>,
) -> Result<Json<FallbackSetting>> {
    let id = match setting.provider_id.as_deref() {
        Some(id) => Some(id.parse().map_err(|_| {
            crate::error::AppError::field("provider_id", "There is no such provider.")
        })?),
        None => None,
    };
    let provider = providers::set_fallback(&state, &access.viewer, id).await?;
    Ok(Json(FallbackSetting {
        provider_id: provider.map(|p| p.id.to_string()),
    }))
}
