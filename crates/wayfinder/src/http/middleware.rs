//! Layers around every request: the request log with its id, the generic 500 answer, and the
//! security headers of SPEC §5.

use super::pages::problem::DrawnInLayout;
use crate::AppState;
use crate::error::InternalDetail;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Instant;
use tracing::Instrument;

/// Logs each request (path only: a query may hold a sign-in token) under a request id, and turns
/// any 500 into a generic answer that carries the id the log has.
pub async fn request_log(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    request
        .extensions_mut()
        .insert(super::pages::problem::RequestId(id.clone()));
    let path = request.uri().path().to_owned();
    let api = path.starts_with("/api/");
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %path);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let _entered = span.enter();
    let status = response.status();
    let ms = started.elapsed().as_millis() as u64;
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        let detail = response
            .extensions()
            .get::<InternalDetail>()
            .map_or("panic or unknown error", |d| d.0.as_str())
            .to_owned();
        tracing::error!(status = status.as_u16(), ms, error = %detail, "request failed");
        // A signed-in person's 500 was already drawn in the layout, with this id and no detail.
        if response.extensions().get::<DrawnInLayout>().is_none() {
            response = internal_error(api, &id);
        }
    } else {
        tracing::info!(status = status.as_u16(), ms, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn internal_error(api: bool, id: &str) -> Response {
    let message = format!("Something went wrong on our side. Reference: {id}.");
    if api {
        let body = serde_json::json!({
            "error": { "code": "internal", "message": message, "fields": {} }
        });
        (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
    } else {
        super::pages::problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Something went wrong on our side. Please try again in a moment.",
            Some(id),
        )
    }
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The headers that every response carries.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let https = state.config.https;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Sign-in pages carry tokens in their address: never leak it to another page.
    let referrer = if path.starts_with("/sign-in") || path.starts_with("/setup") {
        "no-referrer"
    } else {
        "same-origin"
    };
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    if !path.starts_with("/static/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
