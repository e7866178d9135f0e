//! The Reports page: choose a date range, download `sessions.csv`.

use super::{Nav, PageError, field_error, render_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::http::api::ApiQuery;
use crate::http::api::reports::csv_attachment;
use crate::service::reports::{self, ReportQuery};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use time::Duration;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(page))
        .route("/reports/sessions.csv", get(download))
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

async fn page(State(state): State<AppState>, current: CurrentUser) -> Result<Response, PageError> {
    if !current.user.may_download_reports() {
        return Err(PageError(
            crate::service::denied(&state, &current.user, "/reports").await,
        ));
    }
    let today = state.now();
    let page = ReportsPage {
        nav: Nav::new(&current, "/reports"),
        from: day(today - Duration::days(30)),
        to: day(today),
        timezone: state
            .config
            .timezone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
        scoped: !current.user.is_admin(),
        error: None,
    };
    Ok(render_status(StatusCode::OK, &page))
}

async fn download(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, PageError> {
    match reports::sessions_csv(&state, &current.user, &query).await {
        Ok(chunks) => Ok(csv_attachment(chunks)),
        Err(error @ AppError::Validation(_)) => {
            let page = ReportsPage {
                nav: Nav::new(&current, "/reports"),
                from: query.from.clone().unwrap_or_default(),
                to: query.to.clone().unwrap_or_default(),
                timezone: state
                    .config
                    .timezone
                    .iana_name()
                    .unwrap_or("UTC")
                    .to_owned(),
                scoped: !current.user.is_admin(),
                error: Some(error),
            };
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(error) => Err(error.into()),
    }
}
