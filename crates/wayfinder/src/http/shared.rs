//! What the pages and the API both read from a request or answer with: query parameters, ids
//! from the path, CSV attachments. `pages/` and `api/` are siblings; neither imports the other.

use crate::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequestParts, Query};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

/// Query parameters: a query that cannot be read is a `400` with the parser's explanation.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| QueryParams(value))
            .map_err(|rejection| AppError::bad_request("invalid_query", rejection.body_text()))
    }
}

/// An id from the path; one that is not even well-formed names nothing, so "not found".
pub fn path_id<T: std::str::FromStr>(text: &str) -> Result<T, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// `sessions.csv` as an attachment, streamed chunk by chunk as the service writes it.
pub fn csv_attachment(chunks: mpsc::Receiver<Vec<u8>>) -> Response {
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks
            .recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), chunks))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sessions.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The class giving a category card's text its colour (issue 12): white, or dark on a light
/// colour kept from before the contrast check, so that every card stays readable.
pub fn card_text_class(hex: &str) -> &'static str {
    if domain::colour::carries_card_text(hex) {
        "card-text-white"
    } else {
        "card-text-dark"
    }
}
