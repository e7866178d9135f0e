//! The Kiosk area's rows as both databases return them, and their checks into domain values.

use super::{parse_gender, parse_outcome, parse_status};
use crate::codec::{Id, Time};
use crate::{StoreError, StoreResult};
use domain::listing::Slot;
use domain::report::{KioskSession, ListingKind, Selection};
use domain::{CategoryId, KioskSessionId, ListingId, ProviderId, SlotId, StationId};

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    id: Id<KioskSessionId>,
    station_id: Id<StationId>,
    started_at: Time,
    ended_at: Option<Time>,
    outcome: Option<String>,
    consented_at: Option<Time>,
    gender: Option<String>,
    age: Option<i64>,
    indigenous_status: Option<String>,
    client_name_sealed: Option<Vec<u8>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionCategoryRow {
    category_id: Option<Id<CategoryId>>,
    name: String,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SelectionRow {
    listing_id: Option<Id<ListingId>>,
    provider_id: Option<Id<ProviderId>>,
    provider_name: String,
    listing_name: String,
    kind: String,
    slot_id: Option<Id<SlotId>>,
    slot_starts_at: Option<Time>,
    is_fallback: bool,
}

impl SessionRow {
    /// The session with the categories and selections read beside it.
    pub(crate) fn assemble(
        self,
        categories: Vec<SessionCategoryRow>,
        selections: Vec<SelectionRow>,
    ) -> StoreResult<KioskSession> {
        Ok(KioskSession {
            id: self.id.0,
            station_id: self.station_id.0,
            started_at: self.started_at.0,
            ended_at: self.ended_at.map(|t| t.0),
            outcome: parse_outcome(self.outcome.as_deref())?,
            consented_at: self.consented_at.map(|t| t.0),
            gender: parse_gender(self.gender.as_deref())?,
            age: self.age,
            indigenous_status: parse_status(self.indigenous_status.as_deref())?,
            client_name_sealed: self.client_name_sealed,
            categories: categories
                .into_iter()
                .map(|c| (c.category_id.map(|id| id.0), c.name))
                .collect(),
            selections: selections
                .into_iter()
                .map(Selection::try_from)
                .collect::<StoreResult<_>>()?,
        })
    }
}

impl TryFrom<SelectionRow> for Selection {
    type Error = StoreError;
    fn try_from(r: SelectionRow) -> StoreResult<Selection> {
        Ok(Selection {
            listing_id: r.listing_id.map(|id| id.0),
            provider_id: r.provider_id.map(|id| id.0),
            provider_name: r.provider_name,
            listing_name: r.listing_name,
            kind: ListingKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("selection kind {:?}", r.kind)))?,
            slot_id: r.slot_id.map(|id| id.0),
            slot_starts_at: r.slot_starts_at.map(|t| t.0),
            is_fallback: r.is_fallback,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SlotRow {
    id: Id<SlotId>,
    listing_id: Id<ListingId>,
    starts_at: Time,
    duration_minutes: i64,
    booked_by_session: Option<Id<KioskSessionId>>,
    created_at: Time,
}

impl From<SlotRow> for Slot {
    fn from(r: SlotRow) -> Slot {
        Slot {
            id: r.id.0,
            listing_id: r.listing_id.0,
            starts_at: r.starts_at.0,
            duration_minutes: r.duration_minutes,
            booked_by_session: r.booked_by_session.map(|id| id.0),
            created_at: r.created_at.0,
        }
    }
}
