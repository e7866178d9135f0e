//! What the Reports page shows before the download (issue 12): how many sessions the range
//! holds and how many ended each way per week (or per month, for a long range). It reads the
//! sessions the CSV would stream, through the same filter (only when each started and how it
//! ended), so the figures agree with the download; memory stays flat as only tallies are kept.

use super::reports::{Days, ReportQuery, offset_at, today};
use crate::AppState;
use crate::error::{AppError, Result};
use domain::{Permission, Viewer};
use store::SessionOutcome;
use time::{Date, Duration, Month};

/// The most weekly bars before the chart counts by month instead.
const MAX_WEEKS: i64 = 26;

/// How a bucket of the chart is sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Week,
    Month,
}

/// Sessions of one week (starting Monday) or month, by how they ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bucket {
    /// The first day of the week or month.
    pub start: Option<Date>,
    pub completed: u64,
    pub cancelled: u64,
    pub abandoned: u64,
    /// Still open, or ended without an outcome.
    pub unfinished: u64,
}

impl Bucket {
    pub fn total(&self) -> u64 {
        self.completed + self.cancelled + self.abandoned + self.unfinished
    }
}

/// The range's sessions, counted.
#[derive(Debug, Clone)]
pub struct Summary {
    pub days: Days,
    /// The day of the first session in the range, if any.
    pub first_session: Option<Date>,
    pub total: u64,
    pub unit: Unit,
    pub buckets: Vec<Bucket>,
}

/// The first day of the bucket holding `day`.
fn bucket_start(day: Date, unit: Unit) -> Date {
    match unit {
        Unit::Week => day - Duration::days(i64::from(day.weekday().number_days_from_monday())),
        Unit::Month => day.replace_day(1).unwrap_or(day),
    }
}

/// The first day of the bucket after the one starting at `start`.
fn next_bucket(start: Date, unit: Unit) -> Option<Date> {
    match unit {
        Unit::Week => start.checked_add(Duration::weeks(1)),
        Unit::Month => {
            let (year, month) = match start.month() {
                Month::December => (start.year() + 1, Month::January),
                month => (start.year(), month.next()),
            };
            Date::from_calendar_date(year, month, 1).ok()
        }
    }
}

/// Empty buckets covering `first..=last`, so weeks without sessions show as gaps.
fn buckets(first: Date, last: Date, unit: Unit) -> Vec<Bucket> {
    let mut out = Vec::new();
    let mut start = Some(bucket_start(first, unit));
    while let Some(day) = start.filter(|d| *d <= last) {
        out.push(Bucket {
            start: Some(day),
            ..Bucket::default()
        });
        start = next_bucket(day, unit);
    }
    out
}

fn tally(bucket: &mut Bucket, row: &SessionOutcome) {
    match row.outcome.as_deref() {
        Some("completed") => bucket.completed += 1,
        Some("cancelled") => bucket.cancelled += 1,
        Some("abandoned") => bucket.abandoned += 1,
        _ => bucket.unfinished += 1,
    }
}

/// Counts the sessions the CSV of `query` would hold for `viewer` (same permission, same scope).
pub async fn summary(state: &AppState, viewer: &Viewer, query: &ReportQuery) -> Result<Summary> {
    let scope = super::authorize(state, viewer, Permission::DownloadReports).await?;
    let zone = &state.config.timezone;
    let days = query.days(today(zone, state.now()))?;
    let mut rows = state.store.session_outcomes(query.filter(state, scope)?);
    // Sessions come oldest first: the first one fixes where an open-ended range starts.
    let mut dated: Vec<(Date, Bucket)> = Vec::new();
    let mut total = 0u64;
    while let Some(row) = rows.recv().await {
        let row = row.map_err(|e| AppError::Internal(e.into()))?;
        let day = row
            .started_at
            .to_offset(offset_at(zone, row.started_at))
            .date();
        match dated.last_mut() {
            Some((last, bucket)) if *last == day => tally(bucket, &row),
            _ => {
                let mut bucket = Bucket::default();
                tally(&mut bucket, &row);
                dated.push((day, bucket));
            }
        }
        total += 1;
    }
    let first_session = dated.first().map(|(day, _)| *day);
    let first = days.from.or(first_session).unwrap_or(days.to);
    let unit = if (days.to - first).whole_weeks() >= MAX_WEEKS {
        Unit::Month
    } else {
        Unit::Week
    };
    let mut chart = buckets(first, days.to, unit);
    for (day, counts) in dated {
        let start = Some(bucket_start(day, unit));
        if let Some(bucket) = chart.iter_mut().find(|b| b.start == start) {
            bucket.completed += counts.completed;
            bucket.cancelled += counts.cancelled;
            bucket.abandoned += counts.abandoned;
            bucket.unfinished += counts.unfinished;
        }
    }
    Ok(Summary {
        days,
        first_session,
        total,
        unit,
        buckets: chart,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // Wednesday 4 March 2026.
        assert_eq!(
            bucket_start(date!(2026 - 03 - 04), Unit::Week),
            date!(2026 - 03 - 02)
        );
        assert_eq!(
            bucket_start(date!(2026 - 03 - 04), Unit::Month),
            date!(2026 - 03 - 01)
        );
        let months = buckets(date!(2025 - 11 - 20), date!(2026 - 02 - 01), Unit::Month);
        let starts: Vec<_> = months.iter().filter_map(|b| b.start).collect();
        assert_eq!(
            starts,
            [
                date!(2025 - 11 - 01),
                date!(2025 - 12 - 01),
                date!(2026 - 01 - 01),
                date!(2026 - 02 - 01)
            ]
        );
    }
}
