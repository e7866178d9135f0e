//! `/reports/sessions.csv` (SPEC §7).

use super::ApiQuery;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::service::reports::{self, ReportQuery};
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sessions_csv))
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

#[utoipa::path(get, path = "/reports/sessions.csv", operation_id = "export_sessions",
    params(ReportQuery), tag = "reports", security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The sessions of the range (for a User, of their \
            providers), streamed as a CSV attachment.", content_type = "text/csv", body = String),
        (status = 403, description = "The account may not download reports (`forbidden`)."),
        (status = 422, description = "A date that cannot be read, or a reversed or too long \
            range (`validation`)."),
    ))]
pub(super) async fn sessions_csv(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response> {
    let chunks = reports::sessions_csv(&state, &current.user, &query).await?;
    Ok(csv_attachment(chunks))
}
