//! The JSON API under `/api/v1` (SPEC §12).

mod auth;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::extract::{FromRequest, Json, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub fn router() -> Router<AppState> {
    Router::new().merge(auth::router())
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
