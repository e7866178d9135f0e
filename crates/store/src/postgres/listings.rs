//! The Listings area on PostgreSQL: ids bound as uuid, times as timestamptz, and row locks where
//! SQLite's single writer needs none.

use super::PostgresStore;
use super::tx::PostgresTx;
use crate::StoreResult;
use crate::listings::{self as sql, ListingText, Listings, ListingsTx};
use async_trait::async_trait;
use domain::listing::Listing;
use domain::report::ListingKind;
use domain::{Category, CategoryId, PAGE_SIZE, PageNumber, ProviderId};
use sqlx::Row;
use sqlx::postgres::PgRow;
use time::OffsetDateTime;
use uuid::Uuid;

const CATEGORY_AGG: &str = "string_agg(lc.category_id::text, ',')";

fn listing_from_row(row: &PgRow) -> StoreResult<Listing> {
    let (kind, gender, indigenous, category_ids) = ListingText {
        kind: row.try_get("kind")?,
        gender: row.try_get("gender")?,
        indigenous: row.try_get("indigenous")?,
        category_ids: row.try_get("category_ids")?,
    }
    .decode()?;
    Ok(Listing {
        id: row.try_get("id")?,
        provider_id: ProviderId(row.try_get("provider_id")?),
        kind,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        eligibility_notes: row.try_get("eligibility_notes")?,
        gender,
        min_age: row.try_get::<Option<i32>, _>("min_age")?.map(i64::from),
        max_age: row.try_get::<Option<i32>, _>("max_age")?.map(i64::from),
        indigenous,
        category_ids,
        created_at: row.try_get("created_at")?,
    })
}

#[async_trait]
impl Listings for PostgresStore {
    async fn listing(&self, id: Uuid) -> StoreResult<Option<Listing>> {
        sqlx::query(&sql::select_listings(CATEGORY_AGG, "WHERE l.id = $1"))
            .bind(id)
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
            .bind(provider.0)
            .bind(kind.map(ListingKind::as_str))
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&sql::select_listings(
            CATEGORY_AGG,
            sql::PROVIDER_LISTINGS_FILTER,
        ))
        .bind(provider.0)
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
            .bind(listing)
            .bind(now)
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
                    id: CategoryId(row.try_get("id")?),
                    name: row.try_get("name")?,
                    colour: row.try_get("colour")?,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl ListingsTx for PostgresTx {
    async fn listing_for_update(&mut self, id: Uuid) -> StoreResult<Option<Listing>> {
        sqlx::query(&sql::select_listings(
            CATEGORY_AGG,
            "WHERE l.id = $1 FOR UPDATE OF l",
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?
        .map(|row| listing_from_row(&row))
        .transpose()
    }

    async fn count_categories(&mut self, ids: &[CategoryId]) -> StoreResult<i64> {
        let ids: Vec<Uuid> = ids.iter().map(|c| c.0).collect();
        // FOR SHARE: a concurrent delete of one of them waits until the links are written.
        let found: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM categories WHERE id = ANY($1) FOR SHARE")
                .bind(ids)
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(found.len() as i64)
    }

    async fn update_listing(&mut self, l: &Listing, now: OffsetDateTime) -> StoreResult<()> {
        let age = |a: Option<i64>| a.and_then(|a| i32::try_from(a).ok());
        sqlx::query(sql::UPDATE_LISTING)
            .bind(&l.name)
            .bind(&l.description)
            .bind(&l.eligibility_notes)
            .bind(l.gender.as_str())
            .bind(age(l.min_age))
            .bind(age(l.max_age))
            .bind(l.indigenous.as_str())
            .bind(now)
            .bind(l.id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(sql::UNLINK_CATEGORIES)
            .bind(l.id)
            .execute(&mut *self.tx)
            .await?;
        let categories: Vec<Uuid> = l.category_ids.iter().map(|c| c.0).collect();
        sqlx::query(
            "INSERT INTO listing_categories (listing_id, category_id)
             SELECT $1, category_id FROM UNNEST($2::uuid[]) AS c (category_id)",
        )
        .bind(l.id)
        .bind(categories)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn delete_listing(&mut self, id: Uuid) -> StoreResult<bool> {
        let done = sqlx::query(sql::DELETE_LISTING)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn upcoming_booked_slots_held(
        &mut self,
        listing: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<i64> {
        // Locking every upcoming slot makes a concurrent booking wait for this transaction (and
        // then find its slot gone), and a booking that committed first is counted: FOR UPDATE
        // reads the newest version of each row.
        let booked: Vec<bool> = sqlx::query_scalar(
            "SELECT booked_by_session IS NOT NULL FROM slots
             WHERE listing_id = $1 AND starts_at > $2 FOR UPDATE",
        )
        .bind(listing)
        .bind(now)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(booked.into_iter().filter(|b| *b).count() as i64)
    }
}
