//! The Slots area: appointment times of booking listings as the dashboard manages them (SPEC
//! §8.1). Writes open their own transaction and commit it with its audit event, so a series is
//! created whole or not at all.
//!
//! Every statement is written once and stamped for both backends (`slots/stamp.rs`); only the
//! lock clauses differ (from [`crate::dialect::Dialect`]).

use crate::codec::{Id, Time};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use domain::audit::NewAuditEvent;
use domain::listing::Slot;
use domain::{ListingId, ProviderId, SlotId};
use time::OffsetDateTime;

/// What a slot is doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotStatus {
    Free,
    /// A kiosk session is choosing it (its hold has not lapsed).
    Held,
    Booked,
}

impl SlotStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlotStatus::Free => "free",
            SlotStatus::Held => "held",
            SlotStatus::Booked => "booked",
        }
    }

    pub(crate) fn parse(text: &str) -> StoreResult<Self> {
        match text {
            "free" => Ok(SlotStatus::Free),
            "held" => Ok(SlotStatus::Held),
            "booked" => Ok(SlotStatus::Booked),
            other => Err(StoreError::Corrupt(format!("slot status {other:?}"))),
        }
    }
}

/// A slot with its status and, when booked, the client's sealed name while it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotEntry {
    pub id: SlotId,
    pub listing_id: ListingId,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub status: SlotStatus,
    pub client_name_sealed: Option<Vec<u8>>,
}

/// One booked appointment on a provider's day sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySheetEntry {
    pub slot_id: SlotId,
    pub listing_id: ListingId,
    pub listing_name: String,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub client_name_sealed: Option<Vec<u8>>,
}

/// The next free start and how many are free until the end of the week, for one listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeSlotSummary {
    pub listing_id: ListingId,
    pub next_free: Option<OffsetDateTime>,
    pub free_this_week: i64,
}

/// Which slots of a listing to read: `from` (inclusive) up to `until` (exclusive, open when
/// `None`), `limit` of them after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotWindow {
    pub from: OffsetDateTime,
    pub until: Option<OffsetDateTime>,
    pub limit: i64,
    pub offset: i64,
}

/// How removing a slot ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// Gone, as it was just before (its status at that moment).
    Removed(SlotEntry),
    /// Held or booked, and the caller did not ask to cancel: nothing changed.
    InUse(SlotStatus),
    NotFound,
}

/// Completes the audit event of a removal from the slot as it was.
pub type Describe = dyn for<'s> Fn(&'s SlotEntry) -> NewAuditEvent + Send + Sync;

#[async_trait]
pub trait Slots: Send + Sync {
    /// One slot as it is at `now` (the caller checks scope through its listing).
    async fn slot_entry(&self, id: SlotId, now: OffsetDateTime) -> StoreResult<Option<SlotEntry>>;

    /// The listing's slots in the window, by start, as they are at `now`, and how many the window
    /// holds in all.
    async fn list_slots(
        &self,
        listing_id: ListingId,
        window: SlotWindow,
        now: OffsetDateTime,
    ) -> StoreResult<(Vec<SlotEntry>, i64)>;

    /// Inserts the series in one transaction with `event`. When the listing already has a slot at
    /// any of the starts, nothing is written and every clashing start is returned, in order; a
    /// listing deleted meanwhile is `NotFound`. A
    /// clash that slips in concurrently is refused by `slots_listing_start_key`.
    async fn create_slots(
        &self,
        slots: &[Slot],
        event: NewAuditEvent,
    ) -> StoreResult<Vec<OffsetDateTime>>;

    /// Deletes the slot when it is free at `now`; a held or booked one only with `cancel`. The
    /// event is completed with the slot's state (by `describe`) and committed with the deletion.
    async fn remove_slot(
        &self,
        id: SlotId,
        now: OffsetDateTime,
        cancel: bool,
        describe: &Describe,
    ) -> StoreResult<Removal>;

    /// Booked slots of the provider's listings starting in `[from, until)`, by start.
    async fn day_sheet(
        &self,
        provider_id: ProviderId,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<DaySheetEntry>>;

    /// For each listing with a free slot after `now`: the next free start and how many are free
    /// before `week_end`. Listings without one are left out.
    async fn free_slot_summary(
        &self,
        listing_ids: &[ListingId],
        now: OffsetDateTime,
        week_end: OffsetDateTime,
    ) -> StoreResult<Vec<FreeSlotSummary>>;
}

/// The shared SQL of the area.
pub(crate) mod sql {
    /// A slot's status at `$1` (now).
    const STATUS: &str = "CASE WHEN s.booked_by_session IS NOT NULL THEN 'booked'
        WHEN s.held_by_session IS NOT NULL AND s.held_until > $1 THEN 'held'
        ELSE 'free' END";

    pub(crate) fn slot_entry() -> String {
        format!(
            "SELECT s.id, s.listing_id, s.starts_at,
               CAST(s.duration_minutes AS BIGINT) AS duration_minutes, {STATUS} AS status,
               k.client_name_sealed
             FROM slots s LEFT JOIN kiosk_sessions k ON k.id = s.booked_by_session
             WHERE s.id = $2"
        )
    }

    /// `$1` now, `$2` listing, `$3` from, `$4` until (or null), `$5` limit, `$6` offset.
    pub(crate) fn list_slots() -> String {
        format!(
            "SELECT s.id, s.listing_id, s.starts_at,
               CAST(s.duration_minutes AS BIGINT) AS duration_minutes, {STATUS} AS status,
               k.client_name_sealed
             FROM slots s LEFT JOIN kiosk_sessions k ON k.id = s.booked_by_session
             WHERE s.listing_id = $2 AND s.starts_at >= $3 AND ($4 IS NULL OR s.starts_at < $4)
             ORDER BY s.starts_at LIMIT $5 OFFSET $6"
        )
    }

    pub(crate) const COUNT_SLOTS: &str = "SELECT count(*) FROM slots s
        WHERE s.listing_id = $1 AND s.starts_at >= $2 AND ($3 IS NULL OR s.starts_at < $3)";

    /// The listing, read in the transaction that adds its slots.
    pub(crate) const LISTING_EXISTS: &str = "SELECT id FROM listings WHERE id = $1";

    /// The slot's row, read before it is removed (locked on PostgreSQL by the dialect's clause:
    /// the status read joins kiosk sessions, and an outer join's nullable side cannot be locked).
    pub(crate) const SLOT_EXISTS: &str = "SELECT id FROM slots WHERE id = $1";

    /// Existing starts of listing `$1` within `[$2, $3]`.
    pub(crate) const STARTS_BETWEEN: &str = "SELECT starts_at FROM slots
        WHERE listing_id = $1 AND starts_at BETWEEN $2 AND $3 ORDER BY starts_at";

    pub(crate) const DELETE_SLOT: &str = "DELETE FROM slots WHERE id = $1";

    pub(crate) const DAY_SHEET: &str = "SELECT s.id AS slot_id, s.listing_id,
           l.name AS listing_name, s.starts_at,
           CAST(s.duration_minutes AS BIGINT) AS duration_minutes, k.client_name_sealed
         FROM slots s JOIN listings l ON l.id = s.listing_id
           LEFT JOIN kiosk_sessions k ON k.id = s.booked_by_session
         WHERE l.provider_id = $1 AND s.booked_by_session IS NOT NULL
           AND s.starts_at >= $2 AND s.starts_at < $3
         ORDER BY s.starts_at, l.name";

    /// Free means neither booked nor held at the instant bound after each of the first three
    /// parts (now, the week's end, now again); the listing ids follow as an `IN` list. Bound by a
    /// query builder, which numbers its own placeholders.
    pub(crate) const FREE_SUMMARY: [&str; 4] = [
        "SELECT s.listing_id, min(s.starts_at) AS next_free,
           CAST(sum(CASE WHEN s.starts_at < ",
        " THEN 1 ELSE 0 END) AS BIGINT) AS free_this_week
         FROM slots s
         WHERE s.booked_by_session IS NULL AND s.starts_at > ",
        " AND (s.held_by_session IS NULL OR s.held_until <= ",
        ") AND s.listing_id IN ",
    ];
}

/// A slot as both databases return it.
#[derive(sqlx::FromRow)]
pub(crate) struct SlotRow {
    id: Id<SlotId>,
    listing_id: Id<ListingId>,
    starts_at: Time,
    duration_minutes: i64,
    status: String,
    client_name_sealed: Option<Vec<u8>>,
}

impl TryFrom<SlotRow> for SlotEntry {
    type Error = StoreError;
    fn try_from(r: SlotRow) -> StoreResult<SlotEntry> {
        Ok(SlotEntry {
            id: r.id.0,
            listing_id: r.listing_id.0,
            starts_at: r.starts_at.0,
            duration_minutes: r.duration_minutes,
            status: SlotStatus::parse(&r.status)?,
            client_name_sealed: r.client_name_sealed,
        })
    }
}

/// A day sheet line as both databases return it.
#[derive(sqlx::FromRow)]
pub(crate) struct SheetRow {
    slot_id: Id<SlotId>,
    listing_id: Id<ListingId>,
    listing_name: String,
    starts_at: Time,
    duration_minutes: i64,
    client_name_sealed: Option<Vec<u8>>,
}

impl TryFrom<SheetRow> for DaySheetEntry {
    type Error = StoreError;
    fn try_from(r: SheetRow) -> StoreResult<DaySheetEntry> {
        Ok(DaySheetEntry {
            slot_id: r.slot_id.0,
            listing_id: r.listing_id.0,
            listing_name: r.listing_name,
            starts_at: r.starts_at.0,
            duration_minutes: r.duration_minutes,
            client_name_sealed: r.client_name_sealed,
        })
    }
}

/// A free-slot summary as both databases return it.
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    listing_id: Id<ListingId>,
    next_free: Option<Time>,
    free_this_week: Option<i64>,
}

impl TryFrom<SummaryRow> for FreeSlotSummary {
    type Error = StoreError;
    fn try_from(r: SummaryRow) -> StoreResult<FreeSlotSummary> {
        Ok(FreeSlotSummary {
            listing_id: r.listing_id.0,
            next_free: r.next_free.map(|t| t.0),
            free_this_week: r.free_this_week.unwrap_or(0),
        })
    }
}

mod stamp;
pub(crate) use stamp::stamp_slots;
