//! The Listings area: a provider's listings with their categories, and the one fact about their
//! slots that a listing's own rules need (how many upcoming appointments are booked).
//!
//! The statements are written once here with `$N` placeholders (SQLite accepts them too); each
//! backend supplies only its aggregate of category ids and its own binding of ids and times.

use crate::StoreError;
use crate::StoreResult;
use async_trait::async_trait;
use domain::listing::{GenderFilter, IndigenousFilter, Listing};
use domain::report::ListingKind;
use domain::{Category, CategoryId, PageNumber, ProviderId};
use time::OffsetDateTime;
use uuid::Uuid;

/// Reads of the Listings area.
#[async_trait]
pub trait Listings: Send + Sync {
    /// The listing with its categories, whoever may see it (the caller checks scope against
    /// its `provider_id`).
    async fn listing(&self, id: Uuid) -> StoreResult<Option<Listing>>;
    /// A page of the provider's listings of this kind (of both when `None`), by name, each with its categories (one
    /// statement for the page, whatever its size), and how many there are in all.
    async fn provider_listings(
        &self,
        provider: ProviderId,
        kind: Option<ListingKind>,
        page: PageNumber,
    ) -> StoreResult<(Vec<Listing>, i64)>;
    /// How many slots of the listing that start after `now` are booked.
    async fn upcoming_booked_slots(&self, listing: Uuid, now: OffsetDateTime) -> StoreResult<i64>;
    /// Every category, by name: the choices of the listing form and the chips of the tabs.
    async fn category_choices(&self) -> StoreResult<Vec<Category>>;
}

/// Writes of the Listings area, inside the audited transaction.
#[async_trait]
pub trait ListingsTx: Send {
    /// The listing as this transaction sees it, locked against concurrent change where the
    /// database can (SQLite's `BEGIN IMMEDIATE` already holds the write lock).
    async fn listing_for_update(&mut self, id: Uuid) -> StoreResult<Option<Listing>>;
    /// How many of these categories exist; those that do cannot be deleted by another
    /// transaction until this one ends (so that the listing can refer to them).
    async fn count_categories(&mut self, ids: &[CategoryId]) -> StoreResult<i64>;
    /// Writes the editable fields and replaces the categories; never the kind or provider.
    async fn update_listing(&mut self, listing: &Listing, now: OffsetDateTime) -> StoreResult<()>;
    /// Deletes the listing; its categories links and slots go with it.
    async fn delete_listing(&mut self, id: Uuid) -> StoreResult<bool>;
    /// How many slots of the listing that start after `now` are booked; no booking can be added
    /// to them until this transaction ends (the delete guard).
    async fn upcoming_booked_slots_held(
        &mut self,
        listing: Uuid,
        now: OffsetDateTime,
    ) -> StoreResult<i64>;
}

/// The listing columns, then `category_ids` as text (the backend's aggregate, `{agg}`).
pub(crate) fn select_listings(agg: &str, filter: &str) -> String {
    format!(
        "SELECT l.id, l.provider_id, l.kind, l.name, l.description, l.eligibility_notes, l.gender,
           l.min_age, l.max_age, l.indigenous, l.created_at,
           (SELECT {agg} FROM listing_categories lc WHERE lc.listing_id = l.id) AS category_ids
         FROM listings l {filter}"
    )
}

pub(crate) const COUNT_PROVIDER_LISTINGS: &str =
    "SELECT count(*) FROM listings WHERE provider_id = $1 AND ($2 IS NULL OR kind = $2)";
pub(crate) const PROVIDER_LISTINGS_FILTER: &str = "WHERE l.provider_id = $1 AND ($2 IS NULL OR l.kind = $2) ORDER BY lower(l.name), l.id LIMIT $3 OFFSET $4";
pub(crate) const UPCOMING_BOOKED: &str = "SELECT count(*) FROM slots
     WHERE listing_id = $1 AND starts_at > $2 AND booked_by_session IS NOT NULL";
pub(crate) const CATEGORY_CHOICES: &str =
    "SELECT id, name, colour, created_at, updated_at FROM categories ORDER BY lower(name), id";
pub(crate) const UPDATE_LISTING: &str = "UPDATE listings SET name = $1, description = $2,
       eligibility_notes = $3, gender = $4, min_age = $5, max_age = $6, indigenous = $7,
       updated_at = $8
     WHERE id = $9";
pub(crate) const UNLINK_CATEGORIES: &str = "DELETE FROM listing_categories WHERE listing_id = $1";
pub(crate) const LINK_CATEGORY: &str =
    "INSERT INTO listing_categories (listing_id, category_id) VALUES ($1, $2)";
pub(crate) const DELETE_LISTING: &str = "DELETE FROM listings WHERE id = $1";

/// A listing row's text columns, read back into domain values.
pub(crate) struct ListingText {
    pub kind: String,
    pub gender: String,
    pub indigenous: String,
    /// Comma-separated ids; `None` when the listing has no category.
    pub category_ids: Option<String>,
}

/// The decoded text columns: kind, gender, indigenous filter and categories.
pub(crate) type DecodedText = (ListingKind, GenderFilter, IndigenousFilter, Vec<CategoryId>);

impl ListingText {
    pub(crate) fn decode(self) -> StoreResult<DecodedText> {
        let corrupt =
            |what: &str, text: &str| StoreError::Corrupt(format!("listing {what} {text:?}"));
        let kind = ListingKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?;
        let gender =
            GenderFilter::parse(&self.gender).ok_or_else(|| corrupt("gender", &self.gender))?;
        let indigenous = IndigenousFilter::parse(&self.indigenous)
            .ok_or_else(|| corrupt("indigenous filter", &self.indigenous))?;
        let mut categories = self
            .category_ids
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|_| corrupt("category", t)))
            .collect::<StoreResult<Vec<CategoryId>>>()?;
        // The aggregate's order is unspecified; a stable one keeps pages and audit diffs calm.
        categories.sort();
        Ok((kind, gender, indigenous, categories))
    }
}
