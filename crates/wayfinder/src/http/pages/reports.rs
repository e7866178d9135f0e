//! The Reports page: choose a date range, see how many sessions it holds and how they ended
//! week by week, and download `sessions.csv` for it.

use super::reports_chart::Chart;
use super::{Nav, PageError, field_error, render_status};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::http::shared::csv_attachment;
use crate::service::report_summary::{self, Summary};
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
    summary: Option<SummaryView>,
}

/// The count, the download for the same range, and the chart.
struct SummaryView {
    sentence: String,
    total: u64,
    /// `total` for people: `1,017`.
    total_text: String,
    download_href: String,
    chart: Option<Chart>,
}

impl ReportsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    fn summary(&self) -> super::ErrorSummary {
        super::ErrorSummary::of(self.error.as_ref(), &["from", "to"])
    }
}

fn day(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

/// `1 Nov 2026`.
fn short_day(day: time::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year]");
    day.format(format).unwrap_or_default()
}

/// `1,017`: thousands grouped, as people read counts.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn sessions(n: u64) -> String {
    match n {
        1 => "1 session".into(),
        n => format!("{} sessions", grouped(n)),
    }
}

impl SummaryView {
    fn new(summary: &Summary, query: &ReportQuery) -> Self {
        let to = short_day(summary.days.to);
        let sentence = match (summary.days.from, summary.first_session) {
            (Some(from), _) => format!(
                "{} from {} to {to}",
                sessions(summary.total),
                short_day(from)
            ),
            (None, Some(first)) => format!(
                "{} in all, from the first on {} to {to}",
                sessions(summary.total),
                short_day(first)
            ),
            (None, None) => "There are no sessions yet.".into(),
        };
        let typed = |text: &Option<String>, day: Option<time::Date>| match text.as_deref() {
            Some(t) if !t.trim().is_empty() => day.map(|d| d.to_string()).unwrap_or_default(),
            _ => String::new(),
        };
        let from = typed(&query.from, summary.days.from);
        let to = typed(&query.to, Some(summary.days.to));
        Self {
            sentence,
            total: summary.total,
            total_text: grouped(summary.total),
            download_href: format!("/reports/sessions.csv?from={from}&to={to}"),
            chart: (summary.total > 0).then(|| Chart::new(summary)),
        }
    }
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
            summary: None,
        }
    }
}

/// The page for a range: the last 30 days unless one is asked for (`?from=&to=` is every
/// session).
async fn page(
    State(state): State<AppState>,
    access: Require<perm::DownloadReports>,
    QueryParams(mut query): QueryParams<ReportQuery>,
) -> Result<Response, PageError> {
    if query.from.is_none() && query.to.is_none() {
        let today = state.now();
        query.from = Some(day(today - Duration::days(30)));
        query.to = Some(day(today));
    }
    let typed = [query.from.clone(), query.to.clone()].map(Option::unwrap_or_default);
    let mut page = ReportsPage::new(&state, &access.current, access.scope, typed);
    match report_summary::summary(&state, &access.viewer, &query).await {
        Ok(summary) => {
            page.summary = Some(SummaryView::new(&summary, &query));
            Ok(render_status(StatusCode::OK, &page))
        }
        Err(error @ AppError::Validation(_)) => {
            page.error = Some(error);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(error) => Err(error.into()),
    }
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

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn counts_group_their_thousands() {
        let texts = [0, 999, 1017, 1_000_000].map(grouped);
        assert_eq!(texts, ["0", "999", "1,017", "1,000,000"]);
    }
}
