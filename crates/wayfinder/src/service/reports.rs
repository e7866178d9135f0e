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
/// Either may be left out (SPEC §12): no `from` means since the first session, no `to` means
/// up to today. Any length is allowed, so "everything" can be asked for.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// The first day, `YYYY-MM-DD`; empty or missing: since the first session.
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD`; empty or missing: up to today.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// The days a report covers: `from` is `None` for "since the first session".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: Option<Date>,
    pub to: Date,
}

/// A day as typed; empty is `Ok(None)`.
fn parse_day(text: Option<&str>, field: &'static str, errors: &mut FieldErrors) -> Option<Date> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
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

/// The day that holds `now` in `zone`.
pub fn today(zone: &TimeZone, now: OffsetDateTime) -> Date {
    now.to_offset(offset_at(zone, now)).date()
}

impl ReportQuery {
    /// The days asked for; a malformed or reversed range is a `422`.
    pub fn days(&self, today: Date) -> Result<Days> {
        let mut errors = FieldErrors::new();
        let from = parse_day(self.from.as_deref(), "from", &mut errors);
        let typed_to = parse_day(self.to.as_deref(), "to", &mut errors);
        let to = typed_to.unwrap_or(today);
        if let Some(from) = from
            && to < from
        {
            let (field, message) = match typed_to {
                Some(_) => ("to", "The end date must not be before the start date."),
                None => ("from", "The start date must not be after today."),
            };
            errors.insert(field, message.into());
        }
        if errors.is_empty() {
            Ok(Days { from, to })
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// `[from, until)` as instants, `now` giving today for a missing end; a missing start is
    /// the epoch, before any session.
    pub fn range(
        &self,
        zone: &TimeZone,
        now: OffsetDateTime,
    ) -> Result<(OffsetDateTime, OffsetDateTime)> {
        let days = self.days(today(zone, now))?;
        let until = days
            .to
            .next_day()
            .ok_or_else(|| AppError::field("to", "Choose an earlier end date."))?;
        let from = match days.from {
            Some(day) => start_of(day, zone)?,
            None => OffsetDateTime::UNIX_EPOCH,
        };
        Ok((from, start_of(until, zone)?))
    }

    /// The store's filter for this range and scope: the CSV and the Reports page's count and
    /// chart read the same one, so they always agree.
    pub fn filter(&self, state: &AppState, scope: Scope) -> Result<ReportFilter> {
        let (from, until) = self.range(&state.config.timezone, state.now())?;
        Ok(ReportFilter {
            from,
            until,
            member_of: scope.member_of(),
        })
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
    let filter = query.filter(state, scope)?;
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
