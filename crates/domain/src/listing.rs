//! Listings, their appointment slots, and kiosk stations (SPEC §1).

use crate::report::ListingKind;
use crate::{
    CategoryId, GenderFilter, IndigenousFilter, KioskSessionId, ListingId, ProviderId, SlotId,
    StationId,
};
use time::OffsetDateTime;

/// A service a provider offers, with the filters that decide who sees it at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub id: ListingId,
    pub provider_id: ProviderId,
    pub kind: ListingKind,
    pub name: String,
    pub description: String,
    pub eligibility_notes: String,
    pub gender: GenderFilter,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    pub indigenous: IndigenousFilter,
    pub category_ids: Vec<CategoryId>,
    pub created_at: OffsetDateTime,
}

/// An appointment time of a booking listing; one client at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: SlotId,
    pub listing_id: ListingId,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub booked_by_session: Option<KioskSessionId>,
    pub created_at: OffsetDateTime,
}

/// A kiosk access link; the token is stored only as a keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: StationId,
    pub name: String,
    pub token_hash: Vec<u8>,
    pub revoked_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    /// When the station last opened a kiosk page or called the kiosk API (touched at most
    /// once a minute).
    pub last_used_at: Option<OffsetDateTime>,
}
