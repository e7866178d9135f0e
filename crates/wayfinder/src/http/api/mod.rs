//! The JSON API under `/api/v1` (SPEC §12).

mod audit;
mod auth;
mod categories;
mod kiosk;
mod kiosk_views;
mod listings;
mod openapi;
mod providers;
mod reports;
mod slots;
mod stations;
mod users;
pub mod views;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::extract::{FromRequest, Json, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Every route of the API, each registered with `routes!` from its handler's `#[utoipa::path]`,
/// so that the router and the OpenAPI document come from this one list and cannot differ. A
/// test scans the sources for a route that bypasses `routes!`.
fn routes() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .merge(auth::router())
        .merge(users::router())
        .merge(providers::router())
        .merge(categories::router())
        .merge(listings::router())
        .merge(kiosk::router())
        .merge(slots::router())
        .merge(audit::router())
        .merge(reports::router())
        .merge(stations::router())
        .merge(openapi::router());
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).nest("/api/v1", api)
}

/// The API's routes, with their full paths (`/api/v1/…`).
pub fn router() -> Router<AppState> {
    routes().split_for_parts().0
}

/// The OpenAPI document of exactly the routes that [`router`] serves.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = routes().into_openapi();
    openapi::complete(&mut doc);
    doc
}

/// A JSON body: malformed JSON, unknown fields or a wrong shape answer `400` with the parser's
/// explanation; a body over 64 KiB answers `413`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::PayloadTooLarge)
            }
            Err(rejection) => Err(AppError::bad_request("invalid_body", rejection.body_text())),
        }
    }
}
