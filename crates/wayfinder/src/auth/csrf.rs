//! The guard on every state-changing request (SPEC §5): a foreign `Origin` is refused, and a
//! request that carries the session cookie also needs a matching `Origin` and the session's CSRF
//! token (`X-CSRF-Token` header, or the `csrf_token` form field). A cookie that names no live
//! session never gets here: `auth::session::resolve` removes it first.

use crate::AppState;
use crate::error::AppError;
use crate::http::pages::PageError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

/// Request bodies are at most this large (SPEC §13).
pub const MAX_BODY: usize = 64 * 1024;

fn refuse(api: bool, why: &str) -> Response {
    tracing::info!(reason = why, "refused a cross-site request check");
    let error = AppError::Forbidden;
    if api {
        error.into_response()
    } else {
        PageError(error).into_response()
    }
}

/// The request's `Origin`. Pages sent with `Referrer-Policy: no-referrer` (the sign-in pages)
/// make browsers send `Origin: null` on their own form posts; the browser's `Sec-Fetch-Site`,
/// which no page can set, then tells whether the post came from one of our pages.
fn request_origin<'a>(headers: &'a HeaderMap, ours: &'a str) -> Option<&'a str> {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())?;
    let same_origin = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"same-origin");
    Some(if origin == "null" && same_origin {
        ours
    } else {
        origin
    })
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    let origin = request_origin(request.headers(), &state.config.origin);
    if origin.is_some_and(|o| o != state.config.origin) {
        return refuse(api, "foreign Origin");
    }
    let jar = CookieJar::from_headers(request.headers());
    let Some(session_token) = jar
        .get(crate::auth::session_cookie_name(&state.config))
        .map(|c| c.value().to_owned())
    else {
        return next.run(request).await;
    };
    if origin.is_none() {
        return refuse(api, "missing Origin");
    }
    if let Some(token) = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if state.keys.csrf_matches(&session_token, token) {
            next.run(request).await
        } else {
            refuse(api, "wrong CSRF token")
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(api, "missing CSRF token");
    }
    // Read the form to find its token, then hand the same bytes on.
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        let error = AppError::PayloadTooLarge;
        return if api {
            error.into_response()
        } else {
            PageError(error).into_response()
        };
    };
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.into_owned());
    match token {
        Some(token) if state.keys.csrf_matches(&session_token, &token) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refuse(api, "wrong or missing CSRF token"),
    }
}
