//! `/providers`, their members, and the fallback provider setting (SPEC §6).

use super::views::{Paged, ProviderView, UserView};
use super::{ApiJson, ApiQuery, path_id};
use crate::AppState;
use crate::auth::{AdminUser, CurrentUser};
use crate::error::Result;
use crate::service::providers::{self, ProviderInput};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use domain::PageNumber;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/providers", get(list).post(create))
        .route("/providers/{id}", get(show).patch(update).delete(remove))
        .route("/providers/{id}/members", get(members).post(add_member))
        .route("/providers/{id}/members/{user_id}", delete(remove_member))
        .route("/settings/fallback-provider", put(set_fallback))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PageQuery {
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

#[utoipa::path(get, path = "/api/v1/providers", params(PageQuery), tag = "providers",
    responses((status = 200, body = Paged<ProviderView>), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<ProviderView>>> {
    let page = PageNumber::new(query.page);
    let (providers, total) = providers::list(&state, &current.user, page).await?;
    Ok(Json(Paged {
        items: providers.iter().map(ProviderView::from).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/api/v1/providers", request_body = ProviderInput, tag = "providers",
    responses((status = 201, body = ProviderView), (status = 403), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(input): ApiJson<ProviderInput>,
) -> Result<(StatusCode, Json<ProviderView>)> {
    let provider = providers::create(&state, &admin.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(ProviderView::from(&provider))))
}

#[utoipa::path(get, path = "/api/v1/providers/{id}", tag = "providers",
    responses((status = 200, body = ProviderView), (status = 404)))]
async fn show(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ProviderView>> {
    let provider = providers::visible(&state, &current.user, path_id(&id)?).await?;
    Ok(Json(ProviderView::from(&provider)))
}

#[utoipa::path(patch, path = "/api/v1/providers/{id}", request_body = ProviderInput, tag = "providers",
    responses((status = 200, body = ProviderView), (status = 403), (status = 404), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProviderInput>,
) -> Result<Json<ProviderView>> {
    let provider = providers::update(&state, &current.user, path_id(&id)?, &input).await?;
    Ok(Json(ProviderView::from(&provider)))
}

#[utoipa::path(delete, path = "/api/v1/providers/{id}", tag = "providers",
    responses((status = 204), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    providers::delete(&state, &current.user, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/providers/{id}/members", params(PageQuery), tag = "providers",
    responses((status = 200, body = Paged<UserView>), (status = 404)))]
async fn members(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Paged<UserView>>> {
    let page = PageNumber::new(query.page);
    let (members, total) = providers::members(&state, &current.user, path_id(&id)?, page).await?;
    let now = state.now();
    let view = |m: &providers::Member| {
        let ids = m.provider_ids.iter().map(ToString::to_string).collect();
        UserView::new(&m.user, ids, now)
    };
    Ok(Json(Paged {
        items: members.iter().map(view).collect(),
        total,
        page: page.get(),
    }))
}

#[utoipa::path(post, path = "/api/v1/providers/{id}/members", request_body = NewMember, tag = "providers",
    responses((status = 201, body = UserView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn add_member(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    ApiJson(member): ApiJson<NewMember>,
) -> Result<(StatusCode, Json<UserView>)> {
    let user_id = member
        .user_id
        .parse()
        .map_err(|_| crate::error::AppError::field("user_id", crate::error::NO_SUCH_USER))?;
    let user = providers::add_member(&state, &current.user, path_id(&id)?, user_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView::load(&state, &user).await?),
    ))
}

#[utoipa::path(delete, path = "/api/v1/providers/{id}/members/{user_id}", tag = "providers",
    responses((status = 204), (status = 403), (status = 404)))]
async fn remove_member(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode> {
    providers::remove_member(&state, &current.user, path_id(&id)?, path_id(&user_id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/settings/fallback-provider", request_body = FallbackSetting,
    tag = "providers", responses((status = 200, body = FallbackSetting), (status = 403), (status = 422)))]
async fn set_fallback(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiJson(setting): ApiJson<FallbackSetting>,
) -> Result<Json<FallbackSetting>> {
    let id = match setting.provider_id.as_deref() {
        Some(id) => Some(id.parse().map_err(|_| {
            crate::error::AppError::field("provider_id", "There is no such provider.")
        })?),
        None => None,
    };
    let provider = providers::set_fallback(&state, &admin.actor(), id).await?;
    Ok(Json(FallbackSetting {
        provider_id: provider.map(|p| p.id.to_string()),
    }))
}
