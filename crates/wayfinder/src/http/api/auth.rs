//! `/auth/sign-in`, `/auth/verify`, `/auth/sign-out` and `/me`.

use super::ApiJson;
use super::views::UserView;
use crate::AppState;
use crate::auth::{self, ClientOrigin, CurrentUser};
use crate::error::Result;
use crate::secrets::random_token;
use crate::service::sign_in;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_sign_in))
        .routes(routes!(verify))
        .routes(routes!(sign_out))
        .routes(routes!(me))
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

/// The answer to a sign-in request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SentView {
    message: &'static str,
}

#[utoipa::path(post, path = "/auth/sign-in", extensions(("x-permission" = json!("public"))), operation_id = "request_sign_in",
    request_body = SignInBody, tag = "auth",
    responses(
        (status = 202, description = "The same answer whether or not the address has an \
            account; sets the pending-sign-in cookie.", body = SentView),
        (status = 422, description = "Not an email address (`validation`)."),
        (status = 429, description = "Too many requests from this address or client \
            (`rate_limited`)."),
    ))]
pub(super) async fn request_sign_in(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<(StatusCode, CookieJar, Json<SentView>)> {
    let browser = random_token();
    sign_in::request(&state, origin, &body.email, &browser).await?;
    let jar = jar.add(auth::pending_cookie(&state.config, browser));
    Ok((StatusCode::ACCEPTED, jar, Json(SentView { message: SENT })))
}

#[utoipa::path(post, path = "/auth/verify", extensions(("x-permission" = json!("public"))), operation_id = "verify_sign_in",
    request_body = VerifyBody, tag = "auth",
    responses(
        (status = 200, description = "Signed in; sets the session cookie.", body = SessionView),
        (status = 400, description = "The code is wrong, expired or used, or was asked for \
            in another browser (`invalid_code`)."),
        (status = 422, description = "Not an email address, or not six digits (`validation`)."),
        (status = 429, description = "Too many attempts from this client (`rate_limited`)."),
    ))]
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

#[utoipa::path(post, path = "/auth/sign-out", extensions(("x-permission" = json!("signed_in"))), operation_id = "sign_out", tag = "auth",
    security(("session_cookie" = [], "csrf_token" = [])),
    responses((status = 204, description = "Signed out; the session cookie is removed.")))]
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

#[utoipa::path(get, path = "/me", extensions(("x-permission" = json!("signed_in"))), operation_id = "current_session", tag = "auth",
    security(("session_cookie" = [])),
    responses((status = 200, description = "The signed-in user and the CSRF token.",
        body = SessionView)))]
pub(super) async fn me(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Json<SessionView>> {
    Ok(Json(SessionView {
        user: UserView::load(&state, &current.user).await?,
        csrf_token: current.csrf_token,
    }))
}
