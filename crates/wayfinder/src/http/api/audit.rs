//! `/audit` and `/audit.csv` (SPEC §9), administrators only.

use super::views::{AuditEventView, Paged};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::Result;
use crate::http::shared::QueryParams;
use crate::service::audit_log::{self, AuditQuery};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(export))
}

#[utoipa::path(get, path = "/audit", extensions(("x-permission" = json!("view_audit"))), operation_id = "list_audit_events", params(AuditQuery),
    tag = "audit", security(("session_cookie" = [])),
    responses(
        (status = 200, description = "A page of events, newest first.",
            body = Paged<AuditEventView>),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "A date or action that cannot be read (`validation`)."),
    ))]
async fn list(
    State(state): State<AppState>,
    access: Require<perm::ViewAudit>,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Paged<AuditEventView>>> {
    let (events, total) = audit_log::list(&state, &access.viewer, &query).await?;
    let items = events.iter().map(AuditEventView::from).collect();
    Ok(Json(Paged {
        items,
        total,
        page: query.page().get(),
    }))
}

#[utoipa::path(get, path = "/audit.csv", extensions(("x-permission" = json!("view_audit"))), operation_id = "export_audit_events",
    params(AuditQuery), tag = "audit", security(("session_cookie" = [])),
    responses(
        (status = 200, description = "The events that match, as a CSV attachment.",
            content_type = "text/csv", body = String),
        (status = 403, description = "Administrators only (`forbidden`)."),
        (status = 422, description = "A date or action that cannot be read (`validation`)."),
    ))]
async fn export(
    State(state): State<AppState>,
    access: Require<perm::ViewAudit>,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<impl IntoResponse> {
    let csv = audit_log::export(&state, &access.viewer, &query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        csv,
    ))
}
