//! The web face: pages for people, the JSON API, and the layers every request passes.

pub mod api;
mod assets;
pub mod kiosk;
pub mod middleware;
pub mod pages;
pub mod routes;
pub mod shared;

use crate::AppState;
use crate::auth::csrf;
use crate::error::AppError;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use routes::{Access, RouteEntry, Routes};
use tower_http::catch_panic::CatchPanicLayer;

/// Every route outside the API, each with who may reach it: the pages, the health check and
/// the stylesheet. The API's routes are listed by its OpenAPI document.
pub fn routes() -> Routes {
    pages::routes()
        .merge(kiosk::routes())
        .get("/healthz", Access::Public, healthz)
        .get("/static/app.css", Access::Public, |h| {
            assets::serve(h, &assets::STYLESHEET)
        })
        .get("/static/copy-link.js", Access::Public, |h| {
            assets::serve(h, &assets::COPY_LINK)
        })
        .get("/static/dashboard.js", Access::Public, |h| {
            assets::serve(h, &assets::DASHBOARD)
        })
        .get("/static/kiosk.js", Access::Public, |h| {
            assets::serve(h, &assets::KIOSK)
        })
}

/// The table [`routes`] is built from, for the permission test.
pub fn route_table() -> Vec<RouteEntry> {
    routes().table().to_vec()
}

/// The whole application, ready to serve.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .merge(routes().into_router())
        .merge(api::router());
    layered(state, app)
}

/// `app` behind every layer a request of the application passes (public so that a test can
/// put a route that fails on purpose behind the very same layers).
pub fn layered(state: AppState, app: Router<AppState>) -> Router {
    app.fallback(not_found)
        // A handler's panic becomes a 500 here, inside the session layer, so that the layout
        // can draw it with the sidebar; the outer catcher is for the layers themselves.
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::carry,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        // Between the two: it sees who is signed in, and the guard's refusals.
        .layer(axum::middleware::from_fn(pages::problem::in_layout))
        // Before the guard, so that a cookie naming no live session is no cookie to it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::resolve,
        ))
        .layer(DefaultBodyLimit::max(csrf::MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(middleware::request_log))
        .with_state(state)
}

/// `200` when the database answers.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// A plain 500 that carries the panic's message to the request log (never to the answer).
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message");
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response
        .extensions_mut()
        .insert(crate::error::InternalDetail(format!("panic: {message}")));
    response
}

async fn not_found(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        AppError::NotFound.into_response()
    } else {
        pages::PageError(AppError::NotFound).into_response()
    }
}
