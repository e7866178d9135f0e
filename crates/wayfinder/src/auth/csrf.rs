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
        _ if api => refuse(api, "wrong or missing CSRF token"),
        _ => stale_form(parts, bytes, next).await,
    }
}

/// In a page form's request whose token was missing or no longer the session's: the form's
/// handler shows the form again with what was typed, and changes nothing.
#[derive(Clone, Copy, Debug)]
pub struct StaleForm;

/// The forms that are shown again with what was typed when their token is stale; each of their
/// handlers reads its body with `RetryForm`, which refuses to act on a stale one. Any other
/// form gets the stale-form page, so no handler can act on a request the guard did not pass.
fn retryable(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["users"]
            | ["users", _]
            | ["providers"]
            | ["providers", _]
            | ["categories"]
            | ["categories", _]
            | ["providers", _, "listings", _]
            | ["listings", _]
    ) && !matches!(parts.get(1), Some(&"new"))
}

async fn stale_form(
    mut parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    next: Next,
) -> Response {
    tracing::info!(
        reason = "wrong or missing CSRF token",
        "a page form was open too long"
    );
    if !retryable(parts.uri.path()) {
        return crate::http::pages::stale_form_page();
    }
    parts.extensions.insert(StaleForm);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::retryable;

    #[test]
    fn only_the_four_kinds_of_form_are_shown_again_when_their_token_is_stale() {
        for path in [
            "/users",
            "/users/1",
            "/providers/2",
            "/categories",
            "/listings/3",
        ] {
            assert!(retryable(path), "{path}");
        }
        assert!(retryable("/providers/2/listings/services"));
        for path in [
            "/sign-out",
            "/users/1/delete",
            "/users/1/invitation",
            "/providers/2/fallback",
            "/providers/2/members",
            "/stations",
            "/listings/3/delete",
            "/users/new",
        ] {
            assert!(!retryable(path), "{path}");
        }
    }
}
