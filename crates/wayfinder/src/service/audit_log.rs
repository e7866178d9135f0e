//! The audit log page and its CSV export (SPEC §9); administrators only.

use super::authorize;
use crate::AppState;
use crate::csv_safe::csv_cell;
use crate::error::{AppError, FieldErrors, Result};
use domain::PageNumber;
use domain::audit::{Action, NewAuditEvent};
use domain::{Permission, Viewer};
use serde::Deserialize;
use store::{AuditFilter, StoredAuditEvent};
use time::{Date, Duration, OffsetDateTime, Time};

/// The filters as typed: dates are `YYYY-MM-DD`, inclusive, in UTC.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditQuery {
    /// Part of the actor's label.
    pub actor: Option<String>,
    /// Only events of this action.
    #[param(schema_with = crate::http::api::views::action_schema)]
    pub action: Option<String>,
    /// The first day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// The page, from 1 (a number out of range is clamped).
    pub page: Option<i64>,
}

fn parse_date(text: &str, field: &'static str, errors: &mut FieldErrors) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format)
        .map_err(|_| errors.insert(field, "Enter a date as YYYY-MM-DD.".into()))
        .ok()
}

impl AuditQuery {
    pub fn filter(&self) -> Result<AuditFilter> {
        let mut errors = FieldErrors::new();
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let from = nonempty(&self.from).and_then(|d| parse_date(&d, "from", &mut errors));
        let to = nonempty(&self.to).and_then(|d| parse_date(&d, "to", &mut errors));
        let actor = domain::text::parse_query(self.actor.as_deref())
            .map_err(|message| errors.insert("actor", message))
            .ok()
            .flatten();
        let action = nonempty(&self.action);
        if let Some(action) = &action {
            if !Action::ALL.iter().any(|a| a.as_str() == action) {
                errors.insert("action", "Choose an action from the list.".into());
            }
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                errors.insert(
                    "to",
                    "The end date must not be before the start date.".into(),
                );
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let midnight = |d: Date| OffsetDateTime::new_utc(d, Time::MIDNIGHT);
        Ok(AuditFilter {
            actor,
            action,
            from: from.map(midnight),
            until: to.map(|d| midnight(d) + Duration::days(1)),
        })
    }

    pub fn page(&self) -> PageNumber {
        PageNumber::new(self.page)
    }
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    query: &AuditQuery,
) -> Result<(Vec<StoredAuditEvent>, i64)> {
    authorize(state, viewer, Permission::ViewAudit).await?;
    Ok(state
        .store
        .audit_page(&query.filter()?, query.page())
        .await?)
}

/// The columns of the audit export.
const EXPORT_HEADER: [&str; 10] = [
    "seq",
    "at",
    "actor",
    "action",
    "target_kind",
    "target_id",
    "target_label",
    "outcome",
    "ip",
    "details",
];

/// The matching events as CSV; the export itself is recorded.
pub async fn export(state: &AppState, viewer: &Viewer, query: &AuditQuery) -> Result<String> {
    authorize(state, viewer, Permission::ViewAudit).await?;
    let filter = query.filter()?;
    let events = state.store.audit_matching(&filter).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write_error = |e: csv::Error| AppError::Internal(e.into());
    writer.write_record(EXPORT_HEADER).map_err(write_error)?;
    for e in &events {
        let at =
            e.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
        let row = [
            e.seq.to_string(),
            at,
            e.actor_label.clone(),
            e.action.clone(),
            e.target_kind.clone().unwrap_or_default(),
            e.target_id.clone().unwrap_or_default(),
            e.target_label.clone().unwrap_or_default(),
            e.outcome.clone(),
            e.ip.clone().unwrap_or_default(),
            e.details.clone(),
        ];
        writer
            .write_record(row.iter().map(|cell| csv_cell(cell).into_owned()))
            .map_err(write_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::AuditExported).details(
        serde_json::json!({
            "actor": filter.actor, "action": filter.action, "from": query.from, "to": query.to,
            "rows": events.len(),
        }),
    );
    state.store.audit(event).await?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
}

/// The names of the accounts the events name by email (as actor or target), so the page can
/// say "Alex Morgan" where the log keeps `alex@example.org`. Deleted accounts keep their email.
pub async fn names(
    state: &AppState,
    events: &[StoredAuditEvent],
) -> Result<std::collections::HashMap<String, String>> {
    let mut labels: Vec<&str> = events
        .iter()
        .flat_map(|e| [Some(e.actor_label.as_str()), e.target_label.as_deref()])
        .flatten()
        .filter(|label| label.contains('@'))
        .collect();
    labels.sort_unstable();
    labels.dedup();
    let emails: Vec<(&str, domain::EmailAddress)> = labels
        .into_iter()
        .filter_map(|label| Some((label, domain::EmailAddress::parse(label).ok()?)))
        .collect();
    let addresses: Vec<domain::EmailAddress> = emails.iter().map(|(_, e)| e.clone()).collect();
    let users: std::collections::HashMap<String, String> = state
        .store
        .users_by_emails(&addresses)
        .await?
        .into_iter()
        .map(|user| (user.email.as_str().to_owned(), user.full_name()))
        .collect();
    let names = emails
        .into_iter()
        .filter_map(|(label, email)| Some((label.to_owned(), users.get(email.as_str())?.clone())))
        .collect();
    Ok(names)
}
