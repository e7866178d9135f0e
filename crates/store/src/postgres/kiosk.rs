//! Kiosk sessions, listings, slots and stations on PostgreSQL: the shared statements, and what
//! differs: bulk inserts and the streamed report (lists as arrays).
//!
//! Bulk writes send one statement per table, each column as one array that `UNNEST` turns back
//! into rows: a handful of binds whatever the number of rows, and one plan for every batch.

use super::{PostgresStore, PostgresTx};
use crate::codec::{Id, Time};
use crate::rows::{ReportHead, ReportLists};
use crate::{StoreError, StoreResult};
use domain::CategoryId;
use domain::report::{KioskSession, SessionReportRow};
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use time::OffsetDateTime;

/// Rows per statement: bounds the size of one message, not the number of binds.
const ROWS_PER_STATEMENT: usize = 10_000;

crate::kiosk::stamp_kiosk!(PostgresTx;
    #[tracing::instrument(skip_all, fields(count = slots.len()))]
        async fn insert_slots(&mut self, slots: &[Slot]) -> StoreResult<()> {
        for chunk in slots.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO slots (id, listing_id, starts_at, duration_minutes, booked_by_session,
                   created_at, updated_at)
                 SELECT id, listing_id, starts_at, duration_minutes, booked_by_session, created_at,
                   created_at
                 FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int8[], $5::uuid[],
                   $6::timestamptz[])
                   AS s (id, listing_id, starts_at, duration_minutes, booked_by_session,
                     created_at)",
            )
            .bind(chunk.iter().map(|s| Id(s.id)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| Id(s.listing_id)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| Time(s.starts_at)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| s.duration_minutes).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|s| s.booked_by_session.map(Id))
                    .collect::<Vec<_>>(),
            )
            .bind(chunk.iter().map(|s| Time(s.created_at)).collect::<Vec<_>>())
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(count = sessions.len()))]
        async fn insert_kiosk_sessions(&mut self, sessions: &[KioskSession]) -> StoreResult<()> {
        for chunk in sessions.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO kiosk_sessions (id, station_id, started_at, ended_at, outcome,
                   consented_at, gender, age, indigenous_status, client_name_sealed)
                 SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[],
                   $5::text[], $6::timestamptz[], $7::text[], $8::int8[], $9::text[],
                   $10::bytea[])",
            )
            .bind(chunk.iter().map(|s| Id(s.id)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| Id(s.station_id)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| Time(s.started_at)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| s.ended_at.map(Time)).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|s| s.outcome.map(|o| o.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(chunk.iter().map(|s| s.consented_at.map(Time)).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|s| s.gender.map(|g| g.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(chunk.iter().map(|s| s.age).collect::<Vec<_>>())
            .bind(
                chunk
                    .iter()
                    .map(|s| s.indigenous_status.map(|i| i.as_str()))
                    .collect::<Vec<_>>(),
            )
            .bind(
                chunk
                    .iter()
                    .map(|s| s.client_name_sealed.as_deref())
                    .collect::<Vec<_>>(),
            )
            .execute(&mut *self.tx)
            .await?;
            insert_categories(&mut self.tx, chunk).await?;
            insert_selections(&mut self.tx, chunk).await?;
        }
        Ok(())
    }
);

async fn insert_categories(conn: &mut PgConnection, sessions: &[KioskSession]) -> StoreResult<()> {
    let (mut session, mut position, mut category, mut name) = (vec![], vec![], vec![], vec![]);
    for s in sessions {
        for (i, (id, n)) in s.categories.iter().enumerate() {
            session.push(Id(s.id));
            position.push(i as i64);
            category.push(id.map(Id::<CategoryId>));
            name.push(n.as_str());
        }
    }
    if session.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO kiosk_session_categories (session_id, position, category_id, name)
         SELECT * FROM UNNEST($1::uuid[], $2::int8[], $3::uuid[], $4::text[])",
    )
    .bind(session)
    .bind(position)
    .bind(category)
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_selections(conn: &mut PgConnection, sessions: &[KioskSession]) -> StoreResult<()> {
    let mut session = vec![];
    let mut position = vec![];
    let (mut listing, mut provider, mut provider_name, mut listing_name) =
        (vec![], vec![], vec![], vec![]);
    let (mut kind, mut slot, mut slot_starts_at, mut is_fallback) =
        (vec![], vec![], vec![], vec![]);
    for s in sessions {
        for (i, x) in s.selections.iter().enumerate() {
            session.push(Id(s.id));
            position.push(i as i64);
            listing.push(x.listing_id.map(Id));
            provider.push(x.provider_id.map(Id));
            provider_name.push(x.provider_name.as_str());
            listing_name.push(x.listing_name.as_str());
            kind.push(x.kind.as_str());
            slot.push(x.slot_id.map(Id));
            slot_starts_at.push(x.slot_starts_at.map(Time));
            is_fallback.push(x.is_fallback);
        }
    }
    if session.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO kiosk_selections (session_id, position, listing_id, provider_id,
           provider_name, listing_name, kind, slot_id, slot_starts_at, is_fallback)
         SELECT * FROM UNNEST($1::uuid[], $2::int8[], $3::uuid[], $4::uuid[], $5::text[],
           $6::text[], $7::text[], $8::uuid[], $9::timestamptz[], $10::bool[])",
    )
    .bind(session)
    .bind(position)
    .bind(listing)
    .bind(provider)
    .bind(provider_name)
    .bind(listing_name)
    .bind(kind)
    .bind(slot)
    .bind(slot_starts_at)
    .bind(is_fallback)
    .execute(conn)
    .await?;
    Ok(())
}

/// The same rows, in the same order, as SQLite's: selections in scope are all of them, or those
/// of the member's providers (`$3` is the user id or NULL); lists keep their `position` order.
const REPORT_SQL: &str = "
SELECT s.id, s.started_at, s.ended_at, s.outcome, st.name AS station, s.gender,
  s.age::int8 AS age, s.indigenous_status,
  ARRAY(SELECT c.name FROM kiosk_session_categories c WHERE c.session_id = s.id
        ORDER BY c.position) AS categories,
  coalesce(x.providers, '{}') AS providers,
  coalesce(x.listings, '{}') AS listings,
  coalesce(x.starts, '{}') AS starts,
  coalesce(x.kinds, '{}') AS kinds,
  coalesce(x.fallback, false) AS fallback_selected
FROM kiosk_sessions s
JOIN stations st ON st.id = s.station_id
LEFT JOIN LATERAL (
  SELECT array_agg(x.provider_name ORDER BY x.position) AS providers,
    array_agg(x.listing_name ORDER BY x.position) AS listings,
    array_agg(x.slot_starts_at ORDER BY x.position) AS starts,
    array_agg(x.kind ORDER BY x.position) AS kinds,
    bool_or(x.is_fallback) AS fallback
  FROM kiosk_selections x
  WHERE x.session_id = s.id
    AND ($3::uuid IS NULL
         OR x.provider_id IN (SELECT m.provider_id FROM memberships m WHERE m.user_id = $3))
) x ON true
WHERE s.started_at >= $1 AND s.started_at < $2
  AND ($3::uuid IS NULL OR x.kinds IS NOT NULL)
ORDER BY s.started_at, s.id";

fn report_row(row: &PgRow) -> StoreResult<SessionReportRow> {
    let providers: Vec<String> = row.try_get("providers")?;
    let listings: Vec<String> = row.try_get("listings")?;
    let starts: Vec<Option<OffsetDateTime>> = row.try_get("starts")?;
    let kinds: Vec<String> = row.try_get("kinds")?;
    if [listings.len(), starts.len(), kinds.len()] != [providers.len(); 3] {
        return Err(StoreError::Corrupt(
            "report selections of unequal length".into(),
        ));
    }
    let mut information = Vec::new();
    let mut bookings = Vec::new();
    for (((provider, listing), at), kind) in
        providers.into_iter().zip(listings).zip(starts).zip(kinds)
    {
        if kind == "booking" {
            bookings.push((provider, listing, at));
        } else {
            information.push((provider, listing));
        }
    }
    let lists = ReportLists {
        categories: row.try_get("categories")?,
        information,
        bookings,
    };
    ReportHead::from_row(row)?.with(lists)
}

/// The sessions of `REPORT_SQL` (in scope when a selection is of the member's providers, the
/// same order), without their lists.
const OUTCOMES_SQL: &str = "
SELECT s.started_at, s.outcome
FROM kiosk_sessions s
WHERE s.started_at >= $1 AND s.started_at < $2
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id
        AND x.provider_id IN (SELECT m.provider_id FROM memberships m WHERE m.user_id = $3)))
ORDER BY s.started_at, s.id";

crate::kiosk::stamp_reports!(PostgresStore; sql = REPORT_SQL, row = report_row,
    outcomes = OUTCOMES_SQL);
