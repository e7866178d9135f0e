//! The Listings area on SQLite: ids bound as text, times as microseconds.

use super::tx::SqliteTx;
use super::{SqliteStore, from_micros, micros, parse_id};
use crate::StoreResult;
use crate::listings::{self as sql, ListingText, Listings, ListingsTx};
use async_trait::async_trait;
use domain::listing::Listing;
use domain::report::ListingKind;
use domain::{Category, CategoryId, PAGE_SIZE, PageNumber, ProviderId};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

const CATEGORY_AGG: &str = "group_concat(lc.category_id, ',')";

fn listing_from_row(row: &SqliteRow) -> StoreResult<Listing> {
    let (kind, gender, indigenous, category_ids) = ListingText {
        kind: row.try_get("kind")?,
        gender: row.try_get("gender")?,
        indigenous: row.try_get("indigenous")?,
        category_ids: row.try_get("category_ids")?,
    }
    .decode()?;
    Ok(Listing {
        id: parse_id(row.try_get::<&str, _>("id")?)?,
        provider_id: parse_id(row.try_get::<&str, _>("provider_id")?)?,
        kind,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        eligibility_notes: row.try_get("eligibility_notes")?,
        gender,
        min_age: row.try_get("min_age")?,
        max_age: row.try_get("max_age")?,
        indigenous,
        category_ids,
        created_at: from_micros(row.try_get("created_at")?)?,
    })
}

#[async_trait]
impl Listings for SqliteStore {
    async fn listing(&self, id: Uuid) -> StoreResult<Option<Listing>> {
        sqlx::query(&sql::select_listings(CATEGORY_AGG, "WHERE l.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| listing_from_row(&row))
            .transpose()
    }

    async fn provider_listings(
        &self,
        provider: ProviderId,
        kind: Option<ListingKind>,
        page: PageNumber,
    ) -> StoreResult<(Vec<Listing>, i64)> {
        let total: i64 = sqlx::query_scalar(sql::COUNT_PROVIDER_LISTINGS)
            .bind(provider.to_string())
            .bind(kind.map(ListingKind::as_str))
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&sql::select_listings(
            CATEGORY_AGG,
            sql::PROVIDER_LISTINGS_FILTER,
        ))
        .bind(provider.to_string())
        .bind(kind.map(ListingKind::as_str))
        .bind(PAGE_SIZE)
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let listings = rows
            .iter()
            .map(listing_from_row)
            .collect::<StoreResult<_>>()?;
        Ok((listings, total))
    }

    async fn upcoming_booked_slots(&self, listing: Uuid, now: OffsetDateTime) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(sql::UPCOMING_BOOKED)
            .bind(listing.to_string())
            .bind(micros(now))
            .fetch_one(&self.pool)
            .await?)
    }

    async fn category_choices(&self) -> StoreResult<Vec<Category>> {
        let rows = sqlx::query(sql::CATEGORY_CHOICES)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Category {
                    id: parse_id(row.try_get::<&str, _>("id")?)?,
                    name: row.try_get("name")?,
                    colour: row.try_get("colour")?,
                    created_at: from_micros(row.try_get("created_at")?)?,
                    updated_at: from_micros(row.try_get("updated_at")?)?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl ListingsTx for SqliteTx {
    async fn listing_for_update(&mut self, id: Uuid) -> StoreResult<Option<Listing>> {
        // BEGIN IMMEDIATE already holds the write lock: nobody changes the row meanwhile.
        sqlx::query(&sql::select_listings(CATEGORY_AGG, "WHERE l.id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *self.tx)
            .await?
            .map(|row| listing_from_row(&row))
            .transpose()
    }

    async fn count_categories(&mut self, ids: &[CategoryId]) -> StoreResult<i64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::new("SELECT count(*) FROM categories WHERE id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id.to_string());
        }
        query.push(")");
        Ok(query.build_query_scalar().fetch_one(&mut *self.tx).await?)
    }

    async fn update_listing(&mut self, l: &Listing, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query(sql::UPDATE_LISTING)
            .bind(&l.name)
            .bind(&l.description)
            .bind(&l.eligibility_notes)
            .bind(l.gender.as_str())
            .bind(l.min_age)
            .bind(l.max_age)
            .bind(l.indigenous.as_str())
            .bind(micros(now))
            .bind(l.id.to_string())
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(sql::UNLINK_CATEGORIES)
            .bind(l.id.to_string())
            .execute(&mut *self.tx)
            .await?;
        for category in &l.category_ids {
            sqlx::query(sql::LINK_CATEGORY)
                .bind(l.id.to_string())
                .bind(category.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn delete_listing(&mut self, id: Uuid) -> StoreResult<bool> {
        let done = sqlx::query(sql::DELETE_LISTING)
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn upcoming_booked_slots_held(
        &mut self,
        listing: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        // The write lock of BEGIN IMMEDIATE keeps every booking out until this transaction ends.
        Ok(sqlx::query_scalar(sql::UPCOMING_BOOKED)
            .bind(listing.to_string())
            .bind(micros(now))
            .fetch_one(&mut *self.tx)
            .await?)
    }
}
