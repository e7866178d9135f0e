//! What the pages and the API both read from a request or answer with: query parameters, ids
//! from the path, CSV attachments. `pages/` and `api/` are siblings; neither imports the other.

use crate::error::AppError;
use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri, Query};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

/// Query parameters: a query that cannot be read is a `400` with the parser's explanation for
/// the API, and an HTML page naming the part of the address that is wrong for people (issue 12).
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let rejection = match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => return Ok(QueryParams(value)),
            Err(rejection) => rejection.body_text(),
        };
        // Nested routers see their path without the prefix; the original tells API from page.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |uri| uri.path().to_owned());
        if path.starts_with("/api/") {
            return Err(AppError::bad_request("invalid_query", rejection).into_response());
        }
        let message = page_query_message(&rejection);
        Err(crate::http::pages::bad_address(&path, message))
    }
}

/// A sentence for people from the parser's explanation, which names the parameter first
/// (`Failed to deserialize query string: page: invalid digit found in string`).
fn page_query_message(rejection: &str) -> String {
    let detail = rejection
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(rejection);
    let name = detail
        .split_once(": ")
        .map(|(name, _)| name)
        .filter(|name| !name.is_empty() && name.len() <= 40 && !name.contains(' '));
    let name = name.or_else(|| {
        // `duplicate field `page``: the name sits between backticks.
        detail.split('`').nth(1).filter(|n| n.len() <= 40)
    });
    match name {
        Some(name) => format!(
            "The part of this page's address called \u{201c}{name}\u{201d} has a value that \
             cannot be used. Use the page's own links and filters instead of changing the address."
        ),
        None => "This page's address has a part that cannot be used. Use the page's own links \
                 and filters instead of changing the address."
            .to_owned(),
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
