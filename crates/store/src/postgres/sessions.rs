//! Listings, slots, stations and kiosk sessions on PostgreSQL: bulk writes and the streamed report.
//!
//! Bulk writes send one statement per table, each column as one array that `UNNEST` turns back
//! into rows: a handful of binds whatever the number of rows, and one plan for every batch.

use crate::{ReportFilter, StoreError, StoreResult};
use domain::listing::{Listing, Slot, Station};
use domain::report::{KioskSession, SessionReportRow};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use uuid::Uuid;

/// Rows per statement: bounds the size of one message, not the number of binds.
const ROWS_PER_STATEMENT: usize = 10_000;

pub(super) async fn insert_listing(conn: &mut PgConnection, l: &Listing) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO listings (id, provider_id, kind, name, description, eligibility_notes, gender,
           min_age, max_age, indigenous, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(l.id)
    .bind(l.provider_id.0)
    .bind(l.kind.as_str())
    .bind(&l.name)
    .bind(&l.description)
    .bind(&l.eligibility_notes)
    .bind(l.gender.as_str())
    .bind(l.min_age)
    .bind(l.max_age)
    .bind(l.indigenous.as_str())
    .bind(l.created_at)
    .execute(&mut *conn)
    .await?;
    let categories: Vec<Uuid> = l.category_ids.iter().map(|c| c.0).collect();
    sqlx::query(
        "INSERT INTO listing_categories (listing_id, category_id)
         SELECT $1, category_id FROM UNNEST($2::uuid[]) AS c (category_id)",
    )
    .bind(l.id)
    .bind(categories)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_slots(conn: &mut PgConnection, slots: &[Slot]) -> StoreResult<()> {
    for chunk in slots.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO slots (id, listing_id, starts_at, duration_minutes, booked_by_session,
               created_at, updated_at)
             SELECT id, listing_id, starts_at, duration_minutes, booked_by_session, created_at,
               created_at
             FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int8[], $5::uuid[],
               $6::timestamptz[])
               AS s (id, listing_id, starts_at, duration_minutes, booked_by_session, created_at)",
        )
        .bind(chunk.iter().map(|s| s.id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.listing_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.starts_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.duration_minutes).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|s| s.booked_by_session)
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|s| s.created_at).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(super) async fn insert_station(conn: &mut PgConnection, s: &Station) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stations (id, name, token_hash, revoked_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(s.id)
    .bind(&s.name)
    .bind(&s.token_hash)
    .bind(s.revoked_at)
    .bind(s.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_kiosk_sessions(
    conn: &mut PgConnection,
    sessions: &[KioskSession],
) -> StoreResult<()> {
    for chunk in sessions.chunks(ROWS_PER_STATEMENT) {
        sqlx::query(
            "INSERT INTO kiosk_sessions (id, station_id, started_at, ended_at, outcome,
               consented_at, gender, age, indigenous_status, client_name_sealed)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[],
               $5::text[], $6::timestamptz[], $7::text[], $8::int8[], $9::text[], $10::bytea[])",
        )
        .bind(chunk.iter().map(|s| s.id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.station_id).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.started_at).collect::<Vec<_>>())
        .bind(chunk.iter().map(|s| s.ended_at).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|s| s.outcome.map(|o| o.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|s| s.consented_at).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|s| s.gender.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(chunk.iter().map(|s| s.age).collect::<Vec<_>>())
        .bind(
            chunk
                .iter()
                .map(|s| s.indigenous_status.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(
            chunk
                .iter()
                .map(|s| s.client_name_sealed.as_deref())
                .collect::<Vec<_>>(),
        )
        .execute(&mut *conn)
        .await?;
        insert_categories(conn, chunk).await?;
        insert_selections(conn, chunk).await?;
    }
    Ok(())
}

async fn insert_categories(conn: &mut PgConnection, sessions: &[KioskSession]) -> StoreResult<()> {
    let (mut session, mut position, mut category, mut name) = (vec![], vec![], vec![], vec![]);
    for s in sessions {
        for (i, (id, n)) in s.categories.iter().enumerate() {
            session.push(s.id);
            position.push(i as i64);
            category.push(id.map(|c| c.0));
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
            session.push(s.id);
            position.push(i as i64);
            listing.push(x.listing_id);
            provider.push(x.provider_id.map(|p| p.0));
            provider_name.push(x.provider_name.as_str());
            listing_name.push(x.listing_name.as_str());
            kind.push(x.kind.as_str());
            slot.push(x.slot_id);
            slot_starts_at.push(x.slot_starts_at);
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

pub(super) async fn has_data(pool: &PgPool) -> StoreResult<bool> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM providers)
           OR EXISTS (SELECT 1 FROM kiosk_sessions)",
    )
    .fetch_one(pool)
    .await?)
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
    Ok(SessionReportRow {
        session_id: row.try_get("id")?,
        started_at: row.try_get("started_at")?,
        ended_at: row.try_get("ended_at")?,
        outcome: row.try_get("outcome")?,
        station: row.try_get("station")?,
        gender: row.try_get("gender")?,
        age: row.try_get("age")?,
        indigenous_status: row.try_get("indigenous_status")?,
        categories: row.try_get("categories")?,
        information,
        bookings,
        fallback_selected: row.try_get("fallback_selected")?,
    })
}

pub(super) fn session_report(
    pool: PgPool,
    filter: ReportFilter,
) -> mpsc::Receiver<StoreResult<SessionReportRow>> {
    let (sender, receiver) = mpsc::channel(256);
    tokio::spawn(async move {
        use futures_util::TryStreamExt;
        // Rows come off the socket as the channel drains, so a slow download holds back the
        // server rather than filling memory here.
        let mut rows = sqlx::query(REPORT_SQL)
            .bind(filter.from)
            .bind(filter.until)
            .bind(filter.member_of.map(|id| id.0))
            .fetch(&pool);
        loop {
            let next = match rows.try_next().await {
                Ok(Some(row)) => report_row(&row),
                Ok(None) => return,
                Err(error) => Err(error.into()),
            };
            let failed = next.is_err();
            // A closed channel means the download was abandoned: stop reading.
            if sender.send(next).await.is_err() || failed {
                return;
            }
        }
    });
    receiver
}
