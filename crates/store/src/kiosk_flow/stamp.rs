//! The Kiosk area's statements, stamped for each backend's store and transaction.

/// Reads a session with its categories and selections through `$exec` (an expression giving a
/// fresh executor each time); `$lock` is appended to the session's own row.
macro_rules! read_session {
    ($exec:expr, $id:expr, $lock:expr) => {{
        let head: Option<SessionRow> = sqlx::query_as(&format!("{}{}", sql::SESSION, $lock))
            .bind(Id($id))
            .fetch_optional($exec)
            .await?;
        match head {
            None => Ok(None),
            Some(head) => {
                let categories: Vec<SessionCategoryRow> = sqlx::query_as(sql::SESSION_CATEGORIES)
                    .bind(Id($id))
                    .fetch_all($exec)
                    .await?;
                let selections: Vec<SelectionRow> = sqlx::query_as(sql::SESSION_SELECTIONS)
                    .bind(Id($id))
                    .fetch_all($exec)
                    .await?;
                head.assemble(categories, selections).map(Some)
            }
        }
    }};
}
pub(crate) use read_session;

/// Stamps `Kiosk` for a backend's store (with `pool`) and `KioskFlowTx` for its transaction
/// (with `tx`); `$db` supplies the lock clauses.
macro_rules! stamp_kiosk_flow {
    ($db:ty: $store:ty, $txty:ty) => {
        const _: () = {
            use domain::kiosk::Demographics;
            use domain::listing::{Listing, Slot};
            use domain::report::{KioskSession, Outcome, Selection};
            use domain::{CategoryId, KioskSessionId, ListingId, ProviderId, SlotId, StationId};
            use sqlx::QueryBuilder;
            use std::collections::HashMap;
            use time::OffsetDateTime;
            use $crate::codec::{self, Id, Time};
            use $crate::dialect::{Dialect, push_list};
            use $crate::kiosk_flow::rows::{SelectionRow, SessionCategoryRow, SessionRow, SlotRow};
            use $crate::kiosk_flow::stamp::read_session;
            use $crate::kiosk_flow::{
                self as sql, AbandonedSession, Kiosk, KioskFlowTx, KioskListing,
            };
            use $crate::listings::{ListingRow, select_listings};
            use $crate::{StoreResult, rows};

            #[async_trait::async_trait]
            impl Kiosk for $store {
                async fn touch_kiosk_session(
                    &self,
                    id: KioskSessionId,
                    now: OffsetDateTime,
                    hold_until: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(sql::TOUCH)
                        .bind(Id(id))
                        .bind(Time(now))
                        .execute(&self.pool)
                        .await?;
                    sqlx::query(sql::EXTEND_HOLDS)
                        .bind(Id(id))
                        .bind(Time(hold_until))
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn kiosk_session(
                    &self,
                    id: KioskSessionId,
                ) -> StoreResult<Option<KioskSession>> {
                    read_session!(&self.pool, id, "")
                }

                #[tracing::instrument(skip_all, fields(categories = categories.len()))]
                async fn kiosk_listings(
                    &self,
                    categories: &[CategoryId],
                ) -> StoreResult<Vec<KioskListing>> {
                    if categories.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::<$db>::new(select_listings(""));
                    query.push(sql::LISTINGS_IN_CATEGORIES);
                    push_list(&mut query, codec::ids(categories));
                    query.push(")");
                    let found: Vec<ListingRow> =
                        query.build_query_as().fetch_all(&self.pool).await?;
                    let listings: Vec<Listing> = rows::all(found)?;
                    let mut ids: Vec<ProviderId> = listings.iter().map(|l| l.provider_id).collect();
                    ids.sort();
                    ids.dedup();
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::<$db>::new(sql::PROVIDERS);
                    push_list(&mut query, codec::ids(&ids));
                    let providers: Vec<(Id<ProviderId>, String, bool)> =
                        query.build_query_as().fetch_all(&self.pool).await?;
                    let providers: HashMap<ProviderId, (String, bool)> = providers
                        .into_iter()
                        .map(|(id, name, fallback)| (id.0, (name, fallback)))
                        .collect();
                    let mut shown: Vec<KioskListing> = listings
                        .into_iter()
                        .filter_map(|listing| {
                            let (name, fallback) = providers.get(&listing.provider_id)?.clone();
                            Some(KioskListing {
                                listing,
                                provider_name: name,
                                is_fallback: fallback,
                            })
                        })
                        .collect();
                    shown.sort_by(|a, b| {
                        (
                            a.provider_name.to_lowercase(),
                            a.listing.name.to_lowercase(),
                        )
                            .cmp(&(
                                b.provider_name.to_lowercase(),
                                b.listing.name.to_lowercase(),
                            ))
                    });
                    Ok(shown)
                }

                async fn free_slots(
                    &self,
                    listings: &[ListingId],
                    now: OffsetDateTime,
                ) -> StoreResult<Vec<Slot>> {
                    if listings.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::<$db>::new(sql::FREE_SLOTS[0]);
                    query.push_bind(Time(now));
                    query.push(sql::FREE_SLOTS[1]);
                    query.push_bind(Time(now));
                    query.push(sql::FREE_SLOTS[2]);
                    push_list(&mut query, codec::ids(listings));
                    query.push(" ORDER BY starts_at, id");
                    let found: Vec<SlotRow> = query.build_query_as().fetch_all(&self.pool).await?;
                    Ok(found.into_iter().map(Slot::from).collect())
                }
            }

            #[async_trait::async_trait]
            impl KioskFlowTx for $txty {
                async fn kiosk_session_for_update(
                    &mut self,
                    id: KioskSessionId,
                ) -> StoreResult<Option<KioskSession>> {
                    read_session!(&mut *self.tx, id, <$db as Dialect>::FOR_UPDATE)
                }

                async fn start_kiosk_session(
                    &mut self,
                    id: KioskSessionId,
                    station: StationId,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(sql::START)
                        .bind(Id(id))
                        .bind(Id(station))
                        .bind(Time(now))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn record_activity(
                    &mut self,
                    id: KioskSessionId,
                    now: OffsetDateTime,
                    hold_until: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(sql::TOUCH)
                        .bind(Id(id))
                        .bind(Time(now))
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query(sql::EXTEND_HOLDS)
                        .bind(Id(id))
                        .bind(Time(hold_until))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn record_consent(
                    &mut self,
                    id: KioskSessionId,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(sql::CONSENT)
                        .bind(Id(id))
                        .bind(Time(now))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn record_demographics(
                    &mut self,
                    id: KioskSessionId,
                    answers: &Demographics,
                ) -> StoreResult<()> {
                    let (gender, age, status) = sql::demographic_names(answers);
                    sqlx::query(sql::DEMOGRAPHICS)
                        .bind(Id(id))
                        .bind(gender)
                        .bind(age.map(|a| a as i32))
                        .bind(status)
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn replace_categories(
                    &mut self,
                    id: KioskSessionId,
                    categories: &[CategoryId],
                ) -> StoreResult<usize> {
                    sqlx::query(sql::CLEAR_CATEGORIES)
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    let mut recorded = 0;
                    // A client picks a handful of categories: one insert each.
                    for category in categories {
                        let done = sqlx::query(sql::ADD_CATEGORY)
                            .bind(Id(id))
                            .bind(recorded as i32 + 1)
                            .bind(Id(*category))
                            .execute(&mut *self.tx)
                            .await?;
                        recorded += done.rows_affected() as usize;
                    }
                    Ok(recorded)
                }

                async fn add_selection(
                    &mut self,
                    id: KioskSessionId,
                    s: &Selection,
                ) -> StoreResult<()> {
                    sqlx::query(sql::ADD_SELECTION)
                        .bind(Id(id))
                        .bind(codec::id(s.listing_id))
                        .bind(codec::id(s.provider_id))
                        .bind(&s.provider_name)
                        .bind(&s.listing_name)
                        .bind(s.kind.as_str())
                        .bind(codec::id(s.slot_id))
                        .bind(codec::time(s.slot_starts_at))
                        .bind(s.is_fallback)
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn remove_selection(
                    &mut self,
                    id: KioskSessionId,
                    listing: ListingId,
                ) -> StoreResult<bool> {
                    sqlx::query(sql::RELEASE_SELECTION_HOLD)
                        .bind(Id(id))
                        .bind(Id(listing))
                        .execute(&mut *self.tx)
                        .await?;
                    let done = sqlx::query(sql::REMOVE_SELECTION)
                        .bind(Id(id))
                        .bind(Id(listing))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn hold_slot(
                    &mut self,
                    slot: SlotId,
                    session: KioskSessionId,
                    until: OffsetDateTime,
                    now: OffsetDateTime,
                ) -> StoreResult<Option<(ListingId, OffsetDateTime)>> {
                    let held: Option<(Id<ListingId>, Time)> = sqlx::query_as(sql::HOLD)
                        .bind(Id(session))
                        .bind(Time(until))
                        .bind(Id(slot))
                        .bind(Time(now))
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    Ok(held.map(|(listing, starts)| (listing.0, starts.0)))
                }

                async fn end_kiosk_session(
                    &mut self,
                    id: KioskSessionId,
                    outcome: Outcome,
                    now: OffsetDateTime,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(sql::END)
                        .bind(Id(id))
                        .bind(Time(now))
                        .bind(outcome.as_str())
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query(sql::RELEASE_HOLDS)
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                #[tracing::instrument(skip_all)]
                async fn submit_kiosk_session(
                    &mut self,
                    id: KioskSessionId,
                    sealed_name: Option<Vec<u8>>,
                    name_erase_at: Option<OffsetDateTime>,
                    now: OffsetDateTime,
                ) -> StoreResult<u64> {
                    let booked = sqlx::query(sql::BOOK_HOLDS)
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query(sql::COMPLETE)
                        .bind(Id(id))
                        .bind(Time(now))
                        .bind(sealed_name)
                        .bind(codec::time(name_erase_at))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(booked.rows_affected())
                }

                #[tracing::instrument(skip_all)]
                async fn erase_client_names(
                    &mut self,
                    now: OffsetDateTime,
                ) -> StoreResult<Vec<KioskSessionId>> {
                    let erased: Vec<(Id<KioskSessionId>,)> = sqlx::query_as(sql::ERASE_NAMES)
                        .bind(Time(now))
                        .fetch_all(&mut *self.tx)
                        .await?;
                    Ok(erased.into_iter().map(|(id,)| id.0).collect())
                }

                #[tracing::instrument(skip_all)]
                async fn abandon_idle_sessions(
                    &mut self,
                    idle_since: OffsetDateTime,
                    now: OffsetDateTime,
                ) -> StoreResult<Vec<AbandonedSession>> {
                    let ended: Vec<(Id<KioskSessionId>, Id<StationId>)> =
                        sqlx::query_as(sql::ABANDON)
                            .bind(Time(idle_since))
                            .bind(Time(now))
                            .fetch_all(&mut *self.tx)
                            .await?;
                    sqlx::query(sql::RELEASE_ENDED_HOLDS)
                        .execute(&mut *self.tx)
                        .await?;
                    if ended.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut stations: Vec<StationId> = ended.iter().map(|e| e.1.0).collect();
                    stations.sort();
                    stations.dedup();
                    let mut query = QueryBuilder::<$db>::new(sql::STATION_NAMES);
                    push_list(&mut query, codec::ids(&stations));
                    let names: Vec<(Id<StationId>, String)> =
                        query.build_query_as().fetch_all(&mut *self.tx).await?;
                    let names: HashMap<StationId, String> =
                        names.into_iter().map(|(id, name)| (id.0, name)).collect();
                    Ok(ended
                        .into_iter()
                        .map(|(id, station)| AbandonedSession {
                            id: id.0,
                            station_id: station.0,
                            station_name: names.get(&station.0).cloned().unwrap_or_default(),
                        })
                        .collect())
                }
            }
        };
    };
}
pub(crate) use stamp_kiosk_flow;
