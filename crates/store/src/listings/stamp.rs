//! The Listings area's statements, stamped for each backend's store and transaction.

/// Stamps `Listings` for a backend's store (with `pool`) and `ListingsTx` for its transaction
/// (with `tx`); `$db` supplies the lock clauses.
macro_rules! stamp_listings {
    ($db:ty: $store:ty, $txty:ty) => {
        const _: () = {
            use domain::listing::Listing;
            use domain::report::ListingKind;
            use domain::{
                Category, CategoryId, KioskSessionId, ListingId, PAGE_SIZE, PageNumber, ProviderId,
            };
            use sqlx::QueryBuilder;
            use time::OffsetDateTime;
            use $crate::StoreResult;
            use $crate::codec::{self, Id, Time};
            use $crate::dialect::{Dialect, push_list};
            use $crate::listings::{self as sql, ChoiceRow, ListingRow, Listings, ListingsTx};
            use $crate::rows;

            #[async_trait::async_trait]
            impl Listings for $store {
                async fn listing(&self, id: ListingId) -> StoreResult<Option<Listing>> {
                    let row: Option<ListingRow> =
                        sqlx::query_as(&sql::select_listings("WHERE l.id = $1"))
                            .bind(Id(id))
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }

                #[tracing::instrument(skip_all, fields(provider = %provider))]
                async fn provider_listings(
                    &self,
                    provider: ProviderId,
                    kind: Option<ListingKind>,
                    page: PageNumber,
                ) -> StoreResult<(Vec<Listing>, i64)> {
                    let kind = kind.map(ListingKind::as_str);
                    let total: i64 = sqlx::query_scalar(sql::COUNT_PROVIDER_LISTINGS)
                        .bind(Id(provider))
                        .bind(kind)
                        .fetch_one(&self.pool)
                        .await?;
                    let found: Vec<ListingRow> =
                        sqlx::query_as(&sql::select_listings(sql::PROVIDER_LISTINGS_FILTER))
                            .bind(Id(provider))
                            .bind(kind)
                            .bind(PAGE_SIZE)
                            .bind(page.offset())
                            .fetch_all(&self.pool)
                            .await?;
                    Ok((rows::all(found)?, total))
                }

                async fn upcoming_booked_slots(
                    &self,
                    listing: ListingId,
                    now: OffsetDateTime,
                ) -> StoreResult<i64> {
                    Ok(sqlx::query_scalar(sql::UPCOMING_BOOKED)
                        .bind(Id(listing))
                        .bind(Time(now))
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn category_choices(&self) -> StoreResult<Vec<Category>> {
                    let found: Vec<ChoiceRow> = sqlx::query_as(sql::CATEGORY_CHOICES)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(found.into_iter().map(Category::from).collect())
                }
            }

            #[async_trait::async_trait]
            impl ListingsTx for $txty {
                async fn listing_for_update(
                    &mut self,
                    id: ListingId,
                ) -> StoreResult<Option<Listing>> {
                    let filter = format!("WHERE l.id = $1{}", <$db as Dialect>::FOR_UPDATE);
                    let row: Option<ListingRow> = sqlx::query_as(&sql::select_listings(&filter))
                        .bind(Id(id))
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    rows::one(row)
                }

                async fn count_categories(&mut self, ids: &[CategoryId]) -> StoreResult<i64> {
                    if ids.is_empty() {
                        return Ok(0);
                    }
                    // The rows themselves, locked: a concurrent delete of one of them waits
                    // until the links are written (an aggregate cannot take the lock).
                    let mut query = QueryBuilder::new("SELECT id FROM categories WHERE id IN ");
                    push_list(&mut query, codec::ids(ids));
                    query.push(<$db as Dialect>::FOR_KEY_SHARE);
                    let found: Vec<Id<CategoryId>> =
                        query.build_query_scalar().fetch_all(&mut *self.tx).await?;
                    Ok(found.len() as i64)
                }

                #[tracing::instrument(skip_all, fields(id = %l.id))]
                async fn update_listing(
                    &mut self,
                    l: &Listing,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(sql::UPDATE_LISTING)
                        .bind(&l.name)
                        .bind(&l.description)
                        .bind(&l.eligibility_notes)
                        .bind(l.gender.as_str())
                        .bind(l.min_age)
                        .bind(l.max_age)
                        .bind(l.indigenous.as_str())
                        .bind(Time(now))
                        .bind(Id(l.id))
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query("DELETE FROM listing_categories WHERE listing_id = $1")
                        .bind(Id(l.id))
                        .execute(&mut *self.tx)
                        .await?;
                    // A listing has a handful of categories: one insert each.
                    for category in &l.category_ids {
                        sqlx::query(
                            "INSERT INTO listing_categories (listing_id, category_id)
                             VALUES ($1, $2)",
                        )
                        .bind(Id(l.id))
                        .bind(Id(*category))
                        .execute(&mut *self.tx)
                        .await?;
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(id = %id))]
                async fn delete_listing(&mut self, id: ListingId) -> StoreResult<bool> {
                    let done = sqlx::query("DELETE FROM listings WHERE id = $1")
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn upcoming_booked_slots_held(
                    &mut self,
                    listing: ListingId,
                    now: OffsetDateTime,
                ) -> StoreResult<i64> {
                    // Locking every upcoming slot (PostgreSQL) makes a concurrent booking wait
                    // for this transaction and then find its slot gone, and counts one that
                    // committed first: FOR UPDATE reads the newest version of each row.
                    let statement =
                        format!("{}{}", sql::UPCOMING_SLOTS, <$db as Dialect>::FOR_UPDATE);
                    let booked: Vec<Option<Id<KioskSessionId>>> = sqlx::query_scalar(&statement)
                        .bind(Id(listing))
                        .bind(Time(now))
                        .fetch_all(&mut *self.tx)
                        .await?;
                    Ok(booked.into_iter().flatten().count() as i64)
                }
            }
        };
    };
}
pub(crate) use stamp_listings;
