//! `/reports/sessions.csv` (SPEC §7).

use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::{QueryParams, csv_attachment};
use crate::service::reports::{self, ReportQuery};
use axum::extract::State;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sessions_csv))
}

/// A streamed `text/csv` attachment: each chunk goes out as soon as it is written.
#[utoipa::path(get, path = "/reports/sessions.csv", extensions(("x-permission" = json!("download_reports"))), operation_id = "export_sessions",
    params(ReportQuery), tag = "reports", security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The sessions of the range (for a User, of their \
            providers), streamed as a CSV attachment.", content_type = "text/csv", body = String),
        (status = 403, description = "The account may not download reports (`forbidden`)."),
        (status = 422, description = "A date that cannot be read, or a reversed range \
            (`validation`). Any length is allowed, and either bound may be left out."),
    ))]
pub(super) async fn sessions_csv(
    State(state): State<AppState>,
    access: Require<perm::DownloadReports>,
    QueryParams(query): QueryParams<ReportQuery>,
) -> Result<Response> {
    let chunks = reports::sessions_csv(&state, &access.viewer, &query).await?;
    Ok(csv_attachment(chunks))
}
