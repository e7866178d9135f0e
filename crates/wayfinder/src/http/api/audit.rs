//! `/audit` and `/audit.csv` (SPEC §9), administrators only.

use super::ApiQuery;
use super::views::{AuditEventView, Paged};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::Result;
use crate::service::audit_log::{self, AuditQuery};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit.csv", get(export))
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), tag = "audit",
    responses((status = 200, body = Paged<AuditEventView>), (status = 403), (status = 422)))]
async fn list(
    State(state): State<AppState>,
    _admin: AdminUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Paged<AuditEventView>>> {
    let (events, total) = audit_log::list(&state, &query).await?;
    let items = events.iter().map(AuditEventView::from).collect();
    Ok(Json(Paged {
        items,
        total,
        page: query.page().get(),
    }))
}

#[utoipa::path(get, path = "/api/v1/audit.csv", params(AuditQuery), tag = "audit",
    responses((status = 200, content_type = "text/csv"), (status = 403), (status = 422)))]
async fn export(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<impl IntoResponse> {
    let csv = audit_log::export(&state, &admin.actor(), &query).await?;
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
