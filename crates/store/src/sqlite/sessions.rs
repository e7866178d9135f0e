//! Listings, slots, stations and kiosk sessions on SQLite: bulk writes and the streamed report.

use super::{from_micros, micros, parse_id};
use crate::{ReportFilter, StoreResult};
use domain::listing::{Listing, Slot, Station};
use domain::report::{KioskSession, SessionReportRow};
use sqlx::{QueryBuilder, Row, SqliteConnection, SqlitePool};
use tokio::sync::mpsc;

/// Rows per INSERT statement, well under SQLite's limit of bound variables.
const ROWS_PER_STATEMENT: usize = 500;

pub(super) async fn insert_listing(conn: &mut SqliteConnection, l: &Listing) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO listings (id, provider_id, kind, name, description, eligibility_notes, gender,
           min_age, max_age, indigenous, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(l.id.to_string())
    .bind(l.provider_id.to_string())
    .bind(l.kind.as_str())
    .bind(&l.name)
    .bind(&l.description)
    .bind(&l.eligibility_notes)
    .bind(l.gender.as_str())
    .bind(l.min_age)
    .bind(l.max_age)
    .bind(l.indigenous.as_str())
    .bind(micros(l.created_at))
    .bind(micros(l.created_at))
    .execute(&mut *conn)
    .await?;
    for category in &l.category_ids {
        sqlx::query("INSERT INTO listing_categories (listing_id, category_id) VALUES (?, ?)")
            .bind(l.id.to_string())
            .bind(category.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_slots(conn: &mut SqliteConnection, slots: &[Slot]) -> StoreResult<()> {
    for chunk in slots.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "INSERT INTO slots (id, listing_id, starts_at, duration_minutes, booked_by_session,
               created_at, updated_at) ",
        );
        query.push_values(chunk, |mut row, s| {
            row.push_bind(s.id.to_string())
                .push_bind(s.listing_id.to_string())
                .push_bind(micros(s.starts_at))
                .push_bind(s.duration_minutes)
                .push_bind(s.booked_by_session.map(|id| id.to_string()))
                .push_bind(micros(s.created_at))
                .push_bind(micros(s.created_at));
        });
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(super) async fn insert_station(conn: &mut SqliteConnection, s: &Station) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO stations (id, name, token_hash, revoked_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(s.id.to_string())
    .bind(&s.name)
    .bind(&s.token_hash)
    .bind(s.revoked_at.map(micros))
    .bind(micros(s.created_at))
    .bind(micros(s.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn insert_kiosk_sessions(
    conn: &mut SqliteConnection,
    sessions: &[KioskSession],
) -> StoreResult<()> {
    for chunk in sessions.chunks(ROWS_PER_STATEMENT) {
        let mut query = QueryBuilder::new(
            "INSERT INTO kiosk_sessions (id, station_id, started_at, ended_at, outcome, consented_at,
               gender, age, indigenous_status, client_name_sealed) ",
        );
        query.push_values(chunk, |mut row, s| {
            row.push_bind(s.id.to_string())
                .push_bind(s.station_id.to_string())
                .push_bind(micros(s.started_at))
                .push_bind(s.ended_at.map(micros))
                .push_bind(s.outcome.map(|o| o.as_str()))
                .push_bind(s.consented_at.map(micros))
                .push_bind(s.gender.clone())
                .push_bind(s.age)
                .push_bind(s.indigenous_status.clone())
                .push_bind(s.client_name_sealed.clone());
        });
        query.build().execute(&mut *conn).await?;

        let categories: Vec<_> = chunk
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
                row.push_bind(session.to_string())
                    .push_bind(*position as i64)
                    .push_bind(id.map(|id| id.to_string()))
                    .push_bind(name.clone());
            });
            query.build().execute(&mut *conn).await?;
        }

        let selections: Vec<_> = chunk
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
                row.push_bind(session.to_string())
                    .push_bind(*position as i64)
                    .push_bind(x.listing_id.map(|id| id.to_string()))
                    .push_bind(x.provider_id.map(|id| id.to_string()))
                    .push_bind(x.provider_name.clone())
                    .push_bind(x.listing_name.clone())
                    .push_bind(x.kind.as_str())
                    .push_bind(x.slot_id.map(|id| id.to_string()))
                    .push_bind(x.slot_starts_at.map(micros))
                    .push_bind(x.is_fallback);
            });
            query.build().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

pub(super) async fn has_data(pool: &SqlitePool) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM providers)
           OR EXISTS (SELECT 1 FROM kiosk_sessions)",
    )
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Selections in scope: all of them, or those of the member's providers (`?3` is the user id
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
        AND (?3 IS NULL OR x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = ?3))
      ORDER BY position)) AS selections,
  EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id AND x.is_fallback = 1
        AND (?3 IS NULL OR x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = ?3)))
     AS fallback_selected
FROM kiosk_sessions s JOIN stations st ON st.id = s.station_id
WHERE s.started_at >= ?1 AND s.started_at < ?2
  AND (?3 IS NULL OR EXISTS (SELECT 1 FROM kiosk_selections x WHERE x.session_id = s.id
        AND x.provider_id IN (SELECT provider_id FROM memberships WHERE user_id = ?3)))
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
            return Err(crate::StoreError::Corrupt(format!("selection {record:?}")));
        };
        if kind == "booking" {
            let at = starts.parse::<i64>().ok().map(from_micros).transpose()?;
            bookings.push((provider.to_owned(), listing.to_owned(), at));
        } else {
            information.push((provider.to_owned(), listing.to_owned()));
        }
    }
    Ok(SessionReportRow {
        session_id: parse_id(&row.try_get::<String, _>("id")?)?,
        started_at: from_micros(row.try_get("started_at")?)?,
        ended_at: row
            .try_get::<Option<i64>, _>("ended_at")?
            .map(from_micros)
            .transpose()?,
        outcome: row.try_get("outcome")?,
        station: row.try_get("station")?,
        gender: row.try_get("gender")?,
        age: row.try_get("age")?,
        indigenous_status: row.try_get("indigenous_status")?,
        categories: split(row.try_get("categories")?, '\u{1e}'),
        information,
        bookings,
        fallback_selected: row.try_get("fallback_selected")?,
    })
}

pub(super) fn session_report(
    pool: SqlitePool,
    filter: ReportFilter,
) -> mpsc::Receiver<StoreResult<SessionReportRow>> {
    let (sender, receiver) = mpsc::channel(256);
    tokio::spawn(async move {
        use futures_util::TryStreamExt;
        let member = filter.member_of.map(|id| id.to_string());
        let mut rows = sqlx::query(REPORT_SQL)
            .bind(micros(filter.from))
            .bind(micros(filter.until))
            .bind(member)
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
