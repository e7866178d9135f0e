//! The Slots area's statements, stamped for each backend's store. Its writes open their own
//! transaction (the backend's `slots_tx`), so that a series is created whole or not at all.

/// Stamps `Slots` for a backend's store (with `pool` and `slots_tx()`); `$db` supplies the lock
/// clauses.
macro_rules! stamp_slots {
    ($db:ty: $store:ty) => {
        const _: () = {
            use domain::audit::NewAuditEvent;
            use domain::listing::Slot;
            use domain::{ListingId, ProviderId, SlotId};
            use sqlx::QueryBuilder;
            use std::collections::BTreeSet;
            use time::OffsetDateTime;
            use $crate::codec::{self, Id, Time};
            use $crate::dialect::{Dialect, push_list};
            use $crate::rows;
            use $crate::slots::{
                DaySheetEntry, Describe, FreeSlotSummary, Removal, SheetRow, SlotEntry, SlotRow,
                SlotStatus, SlotWindow, Slots, SummaryRow, sql,
            };
            use $crate::{KioskTx, StoreError, StoreResult, Tx};

            #[async_trait::async_trait]
            impl Slots for $store {
                async fn slot_entry(
                    &self,
                    id: SlotId,
                    now: OffsetDateTime,
                ) -> StoreResult<Option<SlotEntry>> {
                    let row: Option<SlotRow> = sqlx::query_as(&sql::slot_entry())
                        .bind(Time(now))
                        .bind(Id(id))
                        .fetch_optional(&self.pool)
                        .await?;
                    rows::one(row)
                }

                async fn list_slots(
                    &self,
                    listing_id: ListingId,
                    window: SlotWindow,
                    now: OffsetDateTime,
                ) -> StoreResult<(Vec<SlotEntry>, i64)> {
                    let found: Vec<SlotRow> = sqlx::query_as(&sql::list_slots())
                        .bind(Time(now))
                        .bind(Id(listing_id))
                        .bind(Time(window.from))
                        .bind(codec::time(window.until))
                        .bind(window.limit)
                        .bind(window.offset)
                        .fetch_all(&self.pool)
                        .await?;
                    let total = sqlx::query_scalar(sql::COUNT_SLOTS)
                        .bind(Id(listing_id))
                        .bind(Time(window.from))
                        .bind(codec::time(window.until))
                        .fetch_one(&self.pool)
                        .await?;
                    Ok((rows::all(found)?, total))
                }

                #[tracing::instrument(skip_all, fields(count = slots.len()))]
                async fn create_slots(
                    &self,
                    slots: &[Slot],
                    event: NewAuditEvent,
                ) -> StoreResult<Vec<OffsetDateTime>> {
                    let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
                        return Ok(Vec::new());
                    };
                    let mut tx = self.slots_tx().await?;
                    // Kept from deletion until the slots are in (PostgreSQL); SQLite's
                    // writer lock does that already.
                    let listing =
                        format!("{}{}", sql::LISTING_EXISTS, <$db as Dialect>::FOR_KEY_SHARE);
                    let _: Id<ListingId> = sqlx::query_scalar(&listing)
                        .bind(Id(first.listing_id))
                        .fetch_optional(&mut *tx.tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let existing: Vec<Time> = sqlx::query_scalar(sql::STARTS_BETWEEN)
                        .bind(Id(first.listing_id))
                        .bind(Time(first.starts_at))
                        .bind(Time(last.starts_at))
                        .fetch_all(&mut *tx.tx)
                        .await?;
                    let wanted: BTreeSet<OffsetDateTime> =
                        slots.iter().map(|s| s.starts_at).collect();
                    let clashes: Vec<OffsetDateTime> = existing
                        .into_iter()
                        .map(|t| t.0)
                        .filter(|t| wanted.contains(t))
                        .collect();
                    if !clashes.is_empty() {
                        return Ok(clashes);
                    }
                    // A clash that slips in concurrently is refused by the unique key.
                    KioskTx::insert_slots(&mut tx, slots).await?;
                    Box::new(tx).commit(event).await?;
                    Ok(Vec::new())
                }

                #[tracing::instrument(skip_all, fields(id = %id))]
                async fn remove_slot(
                    &self,
                    id: SlotId,
                    now: OffsetDateTime,
                    cancel: bool,
                    describe: &Describe,
                ) -> StoreResult<Removal> {
                    let mut tx = self.slots_tx().await?;
                    // Locked (PostgreSQL) or under the writer lock (SQLite): no kiosk can hold
                    // or book the slot between this read and the delete.
                    let lock = format!("{}{}", sql::SLOT_EXISTS, <$db as Dialect>::FOR_UPDATE);
                    let found: Option<Id<SlotId>> = sqlx::query_scalar(&lock)
                        .bind(Id(id))
                        .fetch_optional(&mut *tx.tx)
                        .await?;
                    if found.is_none() {
                        return Ok(Removal::NotFound);
                    }
                    let row: Option<SlotRow> = sqlx::query_as(&sql::slot_entry())
                        .bind(Time(now))
                        .bind(Id(id))
                        .fetch_optional(&mut *tx.tx)
                        .await?;
                    let Some(slot) = rows::one::<_, SlotEntry>(row)? else {
                        return Ok(Removal::NotFound);
                    };
                    if slot.status != SlotStatus::Free && !cancel {
                        return Ok(Removal::InUse(slot.status));
                    }
                    sqlx::query(sql::DELETE_SLOT)
                        .bind(Id(id))
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
                    let found: Vec<SheetRow> = sqlx::query_as(sql::DAY_SHEET)
                        .bind(Id(provider_id))
                        .bind(Time(from))
                        .bind(Time(until))
                        .fetch_all(&self.pool)
                        .await?;
                    rows::all(found)
                }

                async fn free_slot_summary(
                    &self,
                    listing_ids: &[ListingId],
                    now: OffsetDateTime,
                    week_end: OffsetDateTime,
                ) -> StoreResult<Vec<FreeSlotSummary>> {
                    let mut out = Vec::new();
                    // Bounded statements: SQLite limits the number of parameters in one.
                    for chunk in listing_ids.chunks(500) {
                        let [head, week, hold, list] = sql::FREE_SUMMARY;
                        let mut query = QueryBuilder::new(head);
                        query.push_bind(Time(week_end)).push(week);
                        query.push_bind(Time(now)).push(hold);
                        query.push_bind(Time(now)).push(list);
                        push_list(&mut query, codec::ids(chunk));
                        query.push(" GROUP BY s.listing_id");
                        let found: Vec<SummaryRow> =
                            query.build_query_as().fetch_all(&self.pool).await?;
                        out.extend(rows::all::<_, FreeSlotSummary>(found)?);
                    }
                    Ok(out)
                }
            }
        };
    };
}
pub(crate) use stamp_slots;
