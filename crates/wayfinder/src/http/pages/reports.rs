//! The Reports page: choose a date range, download `sessions.csv`.

use super::{Nav, PageError, field_error, render_status};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::http::shared::csv_attachment;
use crate::service::reports::{self, ReportQuery};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::{Permission, Scope};
use time::Duration;

pub fn routes() -> Routes {
    let download_reports = Access::Needs(Permission::DownloadReports);
    Routes::new().get("/reports", download_reports, page).get(
        "/reports/sessions.csv",
        download_reports,
        download,
    )
}

#[derive(Template)]
#[template(path = "pages/reports.html")]
struct ReportsPage {
    nav: Nav,
    from: String,
    to: String,
    timezone: String,
    scoped: bool,
    error: Option<AppError>,
}

impl ReportsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }
}

fn day(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

impl ReportsPage {
    fn new(state: &AppState, current: &CurrentUser, scope: Scope, range: [String; 2]) -> Self {
        let [from, to] = range;
        Self {
            nav: Nav::new(current, "/reports"),
            from,
            to,
            timezone: state
                .config
                .timezone
                .iana_name()
                .unwrap_or("UTC")
                .to_owned(),
            scoped: !scope.is_all(),
            error: None,
        }
    }
}

async fn page(
    State(state): State<AppState>,
    access: Require<perm::DownloadReports>,
) -> Result<Response, PageError> {
    let today = state.now();
    let range = [day(today - Duration::days(30)), day(today)];
    let page = ReportsPage::new(&state, &access.current, access.scope, range);
    Ok(render_status(StatusCode::OK, &page))
}

async fn download(
    State(state): State<AppState>,
    access: Require<perm::DownloadReports>,
    QueryParams(query): QueryParams<ReportQuery>,
) -> Result<Response, PageError> {
    match reports::sessions_csv(&state, &access.viewer, &query).await {
        Ok(chunks) => Ok(csv_attachment(chunks)),
        Err(error @ AppError::Validation(_)) => {
            let typed = [query.from, query.to].map(Option::unwrap_or_default);
            let page = ReportsPage {
                error: Some(error),
                ..ReportsPage::new(&state, &access.current, access.scope, typed)
            };
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(error) => Err(error.into()),
    }
}
