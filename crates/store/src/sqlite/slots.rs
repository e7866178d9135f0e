//! The Slots area on SQLite: times are microseconds since the epoch, ids text.

use super::tx::SqliteTx;
use super::{SqliteStore, from_micros, micros, parse_id, sessions};
use crate::slots::{
    DaySheetEntry, Describe, FreeSlotSummary, ListingRef, Removal, SlotEntry, SlotStatus,
    SlotWindow, Slots, sql,
};
use crate::{StoreError, StoreResult, Tx};
use async_trait::async_trait;
use domain::ProviderId;
use domain::audit::NewAuditEvent;
use domain::listing::Slot;
use domain::report::ListingKind;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;
use uuid::Uuid;

fn entry(row: &SqliteRow) -> StoreResult<SlotEntry> {
    Ok(SlotEntry {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        listing_id: parse_id(&row.try_get::<String, _>("listing_id")?)?,
        starts_at: from_micros(row.try_get("starts_at")?)?,
        duration_minutes: row.try_get("duration_minutes")?,
        status: SlotStatus::parse(row.try_get("status")?)?,
        client_name_sealed: row.try_get("client_name_sealed")?,
    })
}

fn listing_ref(row: &SqliteRow) -> StoreResult<ListingRef> {
    let kind = match row.try_get::<&str, _>("kind")? {
        "booking" => ListingKind::Booking,
        "information" => ListingKind::Information,
        other => return Err(StoreError::Corrupt(format!("listing kind {other:?}"))),
    };
    Ok(ListingRef {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        provider_id: parse_id(&row.try_get::<String, _>("provider_id")?)?,
        kind,
        name: row.try_get("name")?,
    })
}

impl SqliteStore {
    async fn begin_slots(&self) -> StoreResult<SqliteTx> {
        Ok(SqliteTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            audit_key: self.audit_key.clone(),
        })
    }
}

#[async_trait]
impl Slots for SqliteStore {
    async fn listing_ref(&self, id: Uuid) -> StoreResult<Option<ListingRef>> {
        sqlx::query(sql::LISTING_REF)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(listing_ref)
            .transpose()
    }

    async fn slot_entry(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(SlotEntry, ListingRef)>> {
        let Some(row) = sqlx::query(&sql::slot_entry())
            .bind(micros(now))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let slot = entry(&row)?;
        let listing = self.listing_ref(slot.listing_id).await?;
        Ok(listing.map(|listing| (slot, listing)))
    }

    async fn list_slots(
        &self,
        listing_id: Uuid,
        window: SlotWindow,
        now: OffsetDateTime,
    ) -> StoreResult<(Vec<SlotEntry>, i64)> {
        let rows = sqlx::query(&sql::list_slots())
            .bind(micros(now))
            .bind(listing_id.to_string())
            .bind(micros(window.from))
            .bind(window.until.map(micros))
            .bind(window.limit)
            .bind(window.offset)
            .fetch_all(&self.pool)
            .await?;
        let total = sqlx::query_scalar(sql::COUNT_SLOTS)
            .bind(listing_id.to_string())
            .bind(micros(window.from))
            .bind(window.until.map(micros))
            .fetch_one(&self.pool)
            .await?;
        Ok((rows.iter().map(entry).collect::<StoreResult<_>>()?, total))
    }

    async fn create_slots(
        &self,
        slots: &[Slot],
        event: NewAuditEvent,
    ) -> StoreResult<Vec<OffsetDateTime>> {
        let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
            return Ok(Vec::new());
        };
        let mut tx = self.begin_slots().await?;
        sqlx::query(sql::LISTING_EXISTS)
            .bind(first.listing_id.to_string())
            .fetch_optional(&mut *tx.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let existing: Vec<i64> = sqlx::query_scalar(sql::STARTS_BETWEEN)
            .bind(first.listing_id.to_string())
            .bind(micros(first.starts_at))
            .bind(micros(last.starts_at))
            .fetch_all(&mut *tx.tx)
            .await?;
        let wanted: std::collections::BTreeSet<i64> =
            slots.iter().map(|s| micros(s.starts_at)).collect();
        let clashes: Vec<OffsetDateTime> = existing
            .into_iter()
            .filter(|us| wanted.contains(us))
            .map(from_micros)
            .collect::<StoreResult<_>>()?;
        if !clashes.is_empty() {
            return Ok(clashes);
        }
        sessions::insert_slots(&mut tx.tx, slots).await?;
        Box::new(tx).commit(event).await?;
        Ok(Vec::new())
    }

    async fn remove_slot(
        &self,
        id: Uuid,
        now: OffsetDateTime,
        cancel: bool,
        describe: &Describe,
    ) -> StoreResult<Removal> {
        // BEGIN IMMEDIATE: no kiosk can hold or book the slot between this read and the delete.
        let mut tx = self.begin_slots().await?;
        let Some(row) = sqlx::query(&sql::slot_entry())
            .bind(micros(now))
            .bind(id.to_string())
            .fetch_optional(&mut *tx.tx)
            .await?
        else {
            return Ok(Removal::NotFound);
        };
        let slot = entry(&row)?;
        if slot.status != SlotStatus::Free && !cancel {
            return Ok(Removal::InUse(slot.status));
        }
        sqlx::query(sql::DELETE_SLOT)
            .bind(id.to_string())
            .execute(&mut *tx.tx)
            .await?;
        Box::new(tx).commit(describe(&slot)).await?;
        Ok(Removal::Removed(slot))
    }

    async fn day_sheet(
        &self,
        provider_id: ProviderId,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<DaySheetEntry>> {
        let rows = sqlx::query(sql::DAY_SHEET)
            .bind(provider_id.to_string())
            .bind(micros(from))
            .bind(micros(until))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(DaySheetEntry {
                    slot_id: parse_id(&row.try_get::<String, _>(0)?)?,
                    listing_id: parse_id(&row.try_get::<String, _>(1)?)?,
                    listing_name: row.try_get(2)?,
                    starts_at: from_micros(row.try_get(3)?)?,
                    duration_minutes: row.try_get(4)?,
                    client_name_sealed: row.try_get(5)?,
                })
            })
            .collect()
    }

    async fn free_slot_summary(
        &self,
        listing_ids: &[Uuid],
        now: OffsetDateTime,
        week_end: OffsetDateTime,
    ) -> StoreResult<Vec<FreeSlotSummary>> {
        let mut out = Vec::new();
        // Bounded statements: SQLite limits the number of parameters in one.
        for chunk in listing_ids.chunks(500) {
            let text = sql::free_summary(chunk.len());
            let mut query = sqlx::query(&text).bind(micros(now)).bind(micros(week_end));
            for id in chunk {
                query = query.bind(id.to_string());
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(FreeSlotSummary {
                    listing_id: parse_id(&row.try_get::<String, _>(0)?)?,
                    next_free: row
                        .try_get::<Option<i64>, _>(1)?
                        .map(from_micros)
                        .transpose()?,
                    free_this_week: row.try_get::<Option<i64>, _>(2)?.unwrap_or(0),
                });
            }
        }
        Ok(out)
    }
}
