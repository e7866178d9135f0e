//! Kiosk sessions, listings, slots and stations on SQLite: the shared statements, and what
//! differs: bulk inserts (multi-row `VALUES`, chunked under SQLite's limit of bound variables)
//! and the streamed report (lists folded with `group_concat`, as SQLite has no arrays).

use super::{SqliteStore, SqliteTx};
use crate::codec::{self, Id};
use crate::rows::{ReportHead, ReportLists};
use crate::{StoreError, StoreResult};
use domain::report::SessionReportRow;
use sqlx::FromRow;
use sqlx::{QueryBuilder, Row};

/// Rows per INSERT statement, well under SQLite's limit of bound variables.
const ROWS_PER_STATEMENT: usize = 500;

crate::kiosk::stamp_kiosk!(SqliteTx;
    #[tracing::instrument(skip_all, fields(count = slots.len()))]
    async fn insert_slots(&mut self, slots: &[Slot]) -> StoreResult<()> {
        for chunk in slots.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::new(
                "INSERT INTO slots (id, listing_id, starts_at, duration_minutes, booked_by_session,
                   created_at, updated_at) ",
            );
            query.push_values(chunk, |mut row, s| {
                row.push_bind(Id(s.id))
                    .push_bind(Id(s.listing_id))
                    .push_bind(Time(s.starts_at))
                    .push_bind(s.duration_minutes)
                    .push_bind(codec::id(s.booked_by_session))
                    .push_bind(Time(s.created_at))
                    .push_bind(Time(s.created_at));
            });
            query.build().execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(count = sessions.len()))]
    async fn insert_kiosk_sessions(&mut self, sessions: &[KioskSession]) -> StoreResult<()> {
        for chunk in sessions.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::new(
                "INSERT INTO kiosk_sessions (id, station_id, started_at, ended_at, outcome,
                   consented_at, gender, age, indigenous_status, client_name_sealed) ",
            );
            query.push_values(chunk, |mut row, s| {
                row.push_bind(Id(s.id))
                    .push_bind(Id(s.station_id))
                    .push_bind(Time(s.started_at))
                    .push_bind(codec::time(s.ended_at))
                    .push_bind(s.outcome.map(|o| o.as_str()))
                    .push_bind(codec::time(s.consented_at))
                    .push_bind(s.gender.map(|g| g.as_str()))
                    .push_bind(s.age)
                    .push_bind(s.indigenous_status.map(|i| i.as_str()))
                    .push_bind(s.client_name_sealed.clone());
            });
            query.build().execute(&mut *self.tx).await?;
            insert_categories(&mut self.tx, chunk).await?;
            insert_selections(&mut self.tx, chunk).await?;
        }
        Ok(())
    }
);

async fn insert_categories(
    conn: &mut sqlx::SqliteConnection,
    sessions: &[domain::report::KioskSession],
) -> StoreResult<()> {
    let categories: Vec<_> = sessions
        .iter()
        .flat_map(|s| {
            s.categories
                .iter()
                .enumerate()
                .map(move |(i, c)| (s.id, i, c))
        })
        .collect();
    for part in categories.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "INSERT INTO kiosk_session_categories (session_id, position, category_id, name) ",
        );
        query.push_values(part, |mut row, (session, position, (id, name))| {
            row.push_bind(Id(*session))
                .push_bind(*position as i64)
                .push_bind(codec::id(*id))
                .push_bind(name.clone());
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_selections(
    conn: &mut sqlx::SqliteConnection,
    sessions: &[domain::report::KioskSession],
) -> StoreResult<()> {
    let selections: Vec<_> = sessions
        .iter()
        .flat_map(|s| {
            s.selections
                .iter()
                .enumerate()
                .map(move |(i, x)| (s.id, i, x))
        })
        .collect();
    for part in selections.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "INSERT INTO kiosk_selections (session_id, position, listing_id, provider_id,
               provider_name, listing_name, kind, slot_id, slot_starts_at, is_fallback) ",
        );
        query.push_values(part, |mut row, (session, position, x)| {
            row.push_bind(Id(*session))
                .push_bind(*position as i64)
                .push_bind(codec::id(x.listing_id))
                .push_bind(codec::id(x.provider_id))
                .push_bind(x.provider_name.clone())
                .push_bind(x.listing_name.clone())
                .push_bind(x.kind.as_str())
                .push_bind(codec::id(x.slot_id))
                .push_bind(codec::time(x.slot_starts_at))
                .push_bind(x.is_fallback);
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Selections in scope: all of them, or those of the member's providers (`$3` is the user id
/// or NULL). Fields are separated by U+001F and records by U+001E, which names never contain.
const REPORT_SQL: &str = "
SELECT s.id, s.started_at, s.ended_at, s.outcome, st.name AS station, s.gender, s.age,
  s.indigenous_status,
  (SELECT group_concat(name, char(30)) FROM
     (SELECT name FROM kiosk_session_categories c WHERE c.session_id = s.id ORDER BY position))
     AS categories,
  (SELECT group_concat(provider_name || char(31) || listing_name || char(31)
       || coalesce(slot_starts_at, '') || char(31) || kind, char(30)) FROM
     (SELECT * FROM kiosk_selections x WHERE x.session_id = s.id
        AND ($3 IS NULL
             OR x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = $3))
      ORDER BY position)) AS selections,
  EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id AND x.is_fallback = TRUE
        AND ($3 IS NULL
             OR x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = $3)))
     AS fallback_selected
FROM kiosk_sessions s JOIN stations st ON st.id = s.station_id
WHERE s.started_at >= $1 AND s.started_at < $2
  AND ($3 IS NULL OR EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id
        AND x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = $3)))
ORDER BY s.started_at, s.id";

fn split(text: Option<String>, separator: char) -> Vec<String> {
    match text {
        Some(text) if !text.is_empty() => text.split(separator).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn report_row(row: &sqlx::sqlite::SqliteRow) -> StoreResult<SessionReportRow> {
    let mut information = Vec::new();
    let mut bookings = Vec::new();
    for record in split(row.try_get("selections")?, '\u{1e}') {
        let fields: Vec<&str> = record.split('\u{1f}').collect();
        let [provider, listing, starts, kind] = fields[..] else {
            return Err(StoreError::Corrupt(format!("selection {record:?}")));
        };
        if kind == "booking" {
            let at = match starts.parse::<i64>() {
                Ok(us) => Some(
                    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ),
                Err(_) => None,
            };
            bookings.push((provider.to_owned(), listing.to_owned(), at));
        } else {
            information.push((provider.to_owned(), listing.to_owned()));
        }
    }
    let lists = ReportLists {
        categories: split(row.try_get("categories")?, '\u{1e}'),
        information,
        bookings,
    };
    ReportHead::from_row(row)?.with(lists)
}

/// The sessions of `REPORT_SQL` (the same `WHERE`, the same order), without their lists.
const OUTCOMES_SQL: &str = "
SELECT s.started_at, s.outcome
FROM kiosk_sessions s
WHERE s.started_at >= $1 AND s.started_at < $2
  AND ($3 IS NULL OR EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id
        AND x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = $3)))
ORDER BY s.started_at, s.id";

crate::kiosk::stamp_reports!(SqliteStore; sql = REPORT_SQL, row = report_row,
    outcomes = OUTCOMES_SQL);
