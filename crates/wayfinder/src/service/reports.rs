//! Reports (SPEC §7): `sessions.csv` for a date range, streamed as it is read, scoped to the
//! caller's providers for a User with report access, and audited with its row count.

use crate::AppState;
use crate::csv_safe::csv_cell;
use crate::error::{AppError, FieldErrors, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::report::SESSION_CSV_HEADER;
use domain::{Permission, Scope, Viewer};
use jiff::tz::TimeZone;
use serde::Deserialize;
use store::ReportFilter;
use time::{Date, OffsetDateTime, UtcOffset};
use tokio::sync::mpsc;

/// The date range as typed: `YYYY-MM-DD`, both days included, in the configured time zone.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// The first day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// The longest range one download may cover.
const MAX_DAYS: i64 = 3660;

fn parse_day(text: Option<&str>, field: &'static str, errors: &mut FieldErrors) -> Option<Date> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        errors.insert(field, "Enter a date.".into());
        return None;
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format)
        .map_err(|_| errors.insert(field, "Enter a date as YYYY-MM-DD, like 2026-03-31.".into()))
        .ok()
}

/// The instant a day starts in `zone`.
fn start_of(day: Date, zone: &TimeZone) -> Result<OffsetDateTime> {
    let civil = jiff::civil::date(day.year() as i16, day.month() as i8, day.day() as i8);
    let instant = civil
        .to_zoned_datetime(zone.clone())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("time zone: {e}")))?
        .timestamp();
    OffsetDateTime::from_unix_timestamp(instant.as_second())
        .map_err(|e| AppError::Internal(e.into()))
}

/// The UTC offset of `zone` at an instant.
pub fn offset_at(zone: &TimeZone, at: OffsetDateTime) -> UtcOffset {
    jiff::Timestamp::from_second(at.unix_timestamp())
        .ok()
        .and_then(|ts| UtcOffset::from_whole_seconds(zone.to_offset(ts).seconds()).ok())
        .unwrap_or(UtcOffset::UTC)
}

impl ReportQuery {
    /// `[from, until)` as instants; a missing, malformed or reversed range is a `422`.
    pub fn range(&self, zone: &TimeZone) -> Result<(OffsetDateTime, OffsetDateTime)> {
        let mut errors = FieldErrors::new();
        let from = parse_day(self.from.as_deref(), "from", &mut errors);
        let to = parse_day(self.to.as_deref(), "to", &mut errors);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.insert(
                    "to",
                    "The end date must not be before the start date.".into(),
                );
            } else if (to - from).whole_days() > MAX_DAYS {
                errors.insert("to", "Choose a range of at most ten years.".into());
            }
        }
        match (from, to) {
            (Some(from), Some(to)) if errors.is_empty() => {
                let until = to
                    .next_day()
                    .ok_or_else(|| AppError::field("to", "Choose an earlier end date."))?;
                Ok((start_of(from, zone)?, start_of(until, zone)?))
            }
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// Checks access and the range, then streams `sessions.csv` in chunks; the download is audited
/// when the last row has gone out (or the client went away).
pub async fn sessions_csv(
    state: &AppState,
    viewer: &Viewer,
    query: &ReportQuery,
) -> Result<mpsc::Receiver<Vec<u8>>> {
    let scope = super::authorize(state, viewer, Permission::DownloadReports).await?;
    let (from, until) = query.range(&state.config.timezone)?;
    let filter = ReportFilter {
        from,
        until,
        member_of: scope.member_of(),
    };
    let rows = state.store.session_report(filter);
    let (sender, chunks) = mpsc::channel(4);
    let event = NewAuditEvent::new(state.now(), viewer.actor(), Action::ReportDownloaded).target(
        "report",
        "sessions.csv",
        "sessions.csv",
    );
    let scope = match scope {
        Scope::All => "all",
        Scope::MemberOf(_) => "own providers",
    };
    let (state, query) = (state.clone(), query.clone());
    tokio::spawn(async move {
        let (count, outcome) = write_rows(&state, rows, &sender).await;
        let details = serde_json::json!({
            "from": query.from, "to": query.to, "rows": count, "scope": scope,
        });
        let event = event.outcome(outcome).details(details);
        if let Err(error) = state.store.audit(event).await {
            tracing::error!(%error, "could not record a report download");
        }
    });
    Ok(chunks)
}

/// Rows per chunk sent to the client, and the bytes to expect for them.
const ROWS_PER_CHUNK: u64 = 256;
const CHUNK: usize = 64 * 1024;

async fn write_rows(
    state: &AppState,
    mut rows: mpsc::Receiver<store::StoreResult<domain::report::SessionReportRow>>,
    sender: &mpsc::Sender<Vec<u8>>,
) -> (u64, &'static str) {
    let zone = state.config.timezone.clone();
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(CHUNK));
    let mut count = 0u64;
    if writer.write_record(SESSION_CSV_HEADER).is_err() {
        return (0, "failed");
    }
    while let Some(row) = rows.recv().await {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                tracing::error!(%error, "reading the session report failed");
                return (count, "failed");
            }
        };
        let offset = offset_at(&zone, row.started_at);
        let cells = row.cells(offset);
        if writer
            .write_record(cells.iter().map(|c| csv_cell(c).into_owned()))
            .is_err()
        {
            return (count, "failed");
        }
        count += 1;
        if count % ROWS_PER_CHUNK == 0 {
            let chunk = writer.into_inner().unwrap_or_default();
            writer = csv::Writer::from_writer(Vec::with_capacity(CHUNK));
            if sender.send(chunk).await.is_err() {
                return (count, "aborted");
            }
        }
    }
    let rest = writer.into_inner().unwrap_or_default();
    if !rest.is_empty() && sender.send(rest).await.is_err() {
        return (count, "aborted");
    }
    (count, "ok")
}
