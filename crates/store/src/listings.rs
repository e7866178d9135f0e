//! The Listings area: a provider's listings with their categories, and the one fact about their
//! slots that a listing's own rules need (how many upcoming appointments are booked).
//!
//! Every statement is written once and stamped for both backends; only the lock clauses differ
//! (from [`crate::dialect::Dialect`]: SQLite's `BEGIN IMMEDIATE` already holds the write lock).

use crate::codec::{Id, Time};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use domain::listing::Listing;
use domain::report::ListingKind;
use domain::{
    Category, CategoryId, GenderFilter, IndigenousFilter, ListingId, PageNumber, ProviderId,
};
use time::OffsetDateTime;

/// Reads of the Listings area.
#[async_trait]
pub trait Listings {
    /// The listing with its categories, whoever may see it (the caller checks scope against
    /// its `provider_id`).
    async fn listing(&self, id: ListingId) -> StoreResult<Option<Listing>>;
    /// A page of the provider's listings of this kind (of both when `None`), by name, each with
    /// its categories (one statement for the page, whatever its size), and how many in all.
    async fn provider_listings(
        &self,
        provider: ProviderId,
        kind: Option<ListingKind>,
        page: PageNumber,
    ) -> StoreResult<(Vec<Listing>, i64)>;
    /// How many slots of the listing that start after `now` are booked.
    async fn upcoming_booked_slots(
        &self,
        listing: ListingId,
        now: OffsetDateTime,
    ) -> StoreResult<i64>;
    /// Every category, by name: the choices of the listing form and the chips of the tabs.
    async fn category_choices(&self) -> StoreResult<Vec<Category>>;
}

/// Writes of the Listings area, inside the audited transaction.
#[async_trait]
pub trait ListingsTx {
    /// The listing as this transaction sees it, locked against concurrent change.
    async fn listing_for_update(&mut self, id: ListingId) -> StoreResult<Option<Listing>>;
    /// How many of these categories exist; those that do cannot be deleted by another
    /// transaction until this one ends (so that the listing can refer to them).
    async fn count_categories(&mut self, ids: &[CategoryId]) -> StoreResult<i64>;
    /// Writes the editable fields and replaces the categories; never the kind or provider.
    async fn update_listing(&mut self, listing: &Listing, now: OffsetDateTime) -> StoreResult<()>;
    /// Deletes the listing; its category links and slots go with it.
    async fn delete_listing(&mut self, id: ListingId) -> StoreResult<bool>;
    /// How many slots of the listing that start after `now` are booked; no booking can be added
    /// to them until this transaction ends (the delete guard).
    async fn upcoming_booked_slots_held(
        &mut self,
        listing: ListingId,
        now: OffsetDateTime,
    ) -> StoreResult<i64>;
}

/// The listing columns, then `category_ids` as comma-separated text: `string_agg` is
/// PostgreSQL's and, since 3.44, SQLite's too, so a page and its categories are one statement.
/// Ages are read as BIGINT (PostgreSQL keeps them as `integer`).
pub(crate) fn select_listings(filter: &str) -> String {
    format!(
        "SELECT l.id, l.provider_id, l.kind, l.name, l.description, l.eligibility_notes, l.gender,
           CAST(l.min_age AS BIGINT) AS min_age, CAST(l.max_age AS BIGINT) AS max_age,
           l.indigenous, l.created_at,
           (SELECT string_agg(CAST(lc.category_id AS TEXT), ',') FROM listing_categories lc
            WHERE lc.listing_id = l.id) AS category_ids
         FROM listings l {filter}"
    )
}

pub(crate) const COUNT_PROVIDER_LISTINGS: &str =
    "SELECT count(*) FROM listings WHERE provider_id = $1 AND ($2 IS NULL OR kind = $2)";
pub(crate) const PROVIDER_LISTINGS_FILTER: &str = "WHERE l.provider_id = $1
     AND ($2 IS NULL OR l.kind = $2) ORDER BY lower(l.name), l.id LIMIT $3 OFFSET $4";
pub(crate) const UPCOMING_BOOKED: &str = "SELECT count(*) FROM slots
     WHERE listing_id = $1 AND starts_at > $2 AND booked_by_session IS NOT NULL";
pub(crate) const UPCOMING_SLOTS: &str =
    "SELECT booked_by_session FROM slots WHERE listing_id = $1 AND starts_at > $2";
pub(crate) const CATEGORY_CHOICES: &str =
    "SELECT id, name, colour, created_at, updated_at FROM categories ORDER BY lower(name), id";
pub(crate) const UPDATE_LISTING: &str = "UPDATE listings SET name = $1, description = $2,
       eligibility_notes = $3, gender = $4, min_age = $5, max_age = $6, indigenous = $7,
       updated_at = $8
     WHERE id = $9";

/// A listing as both databases return it.
#[derive(sqlx::FromRow)]
pub(crate) struct ListingRow {
    id: Id<ListingId>,
    provider_id: Id<ProviderId>,
    kind: String,
    name: String,
    description: String,
    eligibility_notes: String,
    gender: String,
    min_age: Option<i64>,
    max_age: Option<i64>,
    indigenous: String,
    created_at: Time,
    /// Comma-separated ids; `None` when the listing has no category.
    category_ids: Option<String>,
}

impl TryFrom<ListingRow> for Listing {
    type Error = StoreError;
    fn try_from(r: ListingRow) -> StoreResult<Listing> {
        let corrupt =
            |what: &str, text: &str| StoreError::Corrupt(format!("listing {what} {text:?}"));
        let mut category_ids = r
            .category_ids
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|_| corrupt("category", t)))
            .collect::<StoreResult<Vec<CategoryId>>>()?;
        // The aggregate's order is unspecified; a stable one keeps pages and audit diffs calm.
        category_ids.sort();
        Ok(Listing {
            id: r.id.0,
            provider_id: r.provider_id.0,
            kind: ListingKind::parse(&r.kind).ok_or_else(|| corrupt("kind", &r.kind))?,
            name: r.name,
            description: r.description,
            eligibility_notes: r.eligibility_notes,
            gender: GenderFilter::parse(&r.gender).ok_or_else(|| corrupt("gender", &r.gender))?,
            min_age: r.min_age,
            max_age: r.max_age,
            indigenous: IndigenousFilter::parse(&r.indigenous)
                .ok_or_else(|| corrupt("indigenous filter", &r.indigenous))?,
            category_ids,
            created_at: r.created_at.0,
        })
    }
}

/// A category offered on the form.
#[derive(sqlx::FromRow)]
pub(crate) struct ChoiceRow {
    id: Id<CategoryId>,
    name: String,
    colour: String,
    created_at: Time,
    updated_at: Time,
}

impl From<ChoiceRow> for Category {
    fn from(r: ChoiceRow) -> Category {
        Category {
            id: r.id.0,
            name: r.name,
            colour: r.colour,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

mod stamp;
pub(crate) use stamp::stamp_listings;
