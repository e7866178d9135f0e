//! `/reports/sessions.csv` (SPEC §7).

use super::ApiQuery;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::reports::{self, ReportQuery};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::mpsc;

pub fn router() -> Router<AppState> {
    Router::new().route("/reports/sessions.csv", get(sessions_csv))
}

/// A streamed `text/csv` attachment: each chunk goes out as soon as it is written.
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

#[utoipa::path(get, path = "/api/v1/reports/sessions.csv", params(ReportQuery), tag = "reports",
    responses((status = 200, content_type = "text/csv"), (status = 401), (status = 403), (status = 422)))]
pub(super) async fn sessions_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response> {
    let chunks = reports::sessions_csv(&state, &current.user, &query).await?;
    Ok(csv_attachment(chunks))
}
