//! `/auth/sign-in`, `/auth/verify`, `/auth/sign-out` and `/me`.

use super::ApiJson;
use super::views::UserView;
use crate::AppState;
use crate::auth::{self, ClientOrigin, CurrentUser};
use crate::error::Result;
use crate::secrets::random_token;
use crate::service::sign_in;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/sign-in", post(request_sign_in))
        .route("/auth/verify", post(verify))
        .route("/auth/sign-out", post(sign_out))
        .route("/me", get(me))
}

/// The same words whether or not the address has an account.
pub const SENT: &str = "If this address has a Wayfinder account, a sign-in email is on its way.";

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    email: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    email: String,
    code: String,
}

/// The signed-in user and the CSRF token for state-changing calls.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionView {
    user: UserView,
    csrf_token: String,
}

#[utoipa::path(post, path = "/api/v1/auth/sign-in", request_body = SignInBody, tag = "auth",
    responses((status = 202), (status = 422), (status = 429)))]
pub(super) async fn request_sign_in(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<(StatusCode, CookieJar, Json<serde_json::Value>)> {
    let browser = random_token();
    sign_in::request(&state, origin, &body.email, &browser).await?;
    let jar = jar.add(auth::pending_cookie(&state.config, browser));
    Ok((
        StatusCode::ACCEPTED,
        jar,
        Json(serde_json::json!({ "message": SENT })),
    ))
}

#[utoipa::path(post, path = "/api/v1/auth/verify", request_body = VerifyBody, tag = "auth",
    responses((status = 200, body = SessionView), (status = 400), (status = 422), (status = 429)))]
pub(super) async fn verify(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<(CookieJar, Json<SessionView>)> {
    let pending = auth::pending_cookie_name(&state.config);
    let browser = jar.get(pending).map(|c| c.value().to_owned());
    let signed_in =
        sign_in::verify_code(&state, origin, &body.email, &body.code, browser.as_deref()).await?;
    let view = SessionView {
        user: UserView::load(&state, &signed_in.user).await?,
        csrf_token: state.keys.csrf_token(&signed_in.session_token),
    };
    let jar = jar
        .add(auth::removal(&state.config, pending))
        .add(auth::session_cookie(&state.config, signed_in.session_token));
    Ok((jar, Json(view)))
}

#[utoipa::path(post, path = "/api/v1/auth/sign-out", tag = "auth",
    responses((status = 204), (status = 401), (status = 403)))]
pub(super) async fn sign_out(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar)> {
    sign_in::sign_out(&state, origin, &current.user, &current.session_token).await?;
    let name = auth::session_cookie_name(&state.config);
    Ok((
        StatusCode::NO_CONTENT,
        jar.add(auth::removal(&state.config, name)),
    ))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = SessionView), (status = 401)))]
pub(super) async fn me(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<SessionView>> {
    Ok(Json(SessionView {
        user: UserView::load(&state, &current.user).await?,
        csrf_token: current.csrf_token,
    }))
}
