//! The Audit section's page (admins only): events newest first, filters, and the CSV export.

use super::{Nav, PageError, Pager, encode_query};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::service::audit_log::{self, AuditQuery};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::Permission;
use domain::audit::Action;
use store::StoredAuditEvent;

pub fn routes() -> Routes {
    Routes::new().get("/audit", Access::Needs(Permission::ViewAudit), index)
}

#[derive(Template)]
#[template(path = "pages/audit/index.html")]
struct IndexPage {
    nav: Nav,
    query: AuditQuery,
    /// Each action's value and friendly name, for the filter.
    actions: Vec<(&'static str, &'static str)>,
    events: Vec<StoredAuditEvent>,
    /// Account names by email, for the sentences.
    names: std::collections::HashMap<String, String>,
    pager: Pager,
    export_href: String,
    error: Option<AppError>,
    /// Where times are shown.
    zone: jiff::tz::TimeZone,
}

impl IndexPage {
    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or_default()
    }

    fn error_for(&self, field: &str) -> Option<String> {
        super::field_error(self.error.as_ref(), field)
    }

    fn summary(&self) -> super::ErrorSummary {
        super::ErrorSummary::of(self.error.as_ref(), &["actor", "action", "from", "to"])
    }

    fn when(&self, event: &StoredAuditEvent) -> String {
        crate::local_time::when(&self.zone, event.at)
    }

    fn sentence(&self, event: &StoredAuditEvent) -> String {
        super::audit_words::sentence(event, &self.names)
    }
}

async fn index(
    State(state): State<AppState>,
    access: Require<perm::ViewAudit>,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Response, PageError> {
    let filters = encode_query(&[
        ("actor", query.actor.as_deref()),
        ("action", query.action.as_deref()),
        ("from", query.from.as_deref()),
        ("to", query.to.as_deref()),
    ]);
    let (events, total, error) = match audit_log::list(&state, &access.viewer, &query).await {
        Ok((events, total)) => (events, total, None),
        Err(error @ AppError::Validation(_)) => (Vec::new(), 0, Some(error)),
        Err(error) => return Err(error.into()),
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, AppError::status);
    let page = IndexPage {
        nav: Nav::new(&access.current, "/audit"),
        zone: state.config.timezone.clone(),
        actions: Action::ALL
            .iter()
            .map(|a| (a.as_str(), super::audit_words::action_label(a.as_str())))
            .collect(),
        names: audit_log::names(&state, &events).await?,
        events,
        pager: Pager::new("/audit", &filters, query.page().get(), total),
        export_href: format!("/api/v1/audit.csv?{filters}"),
        query,
        error,
    };
    Ok(super::render_status(status, &page))
}
