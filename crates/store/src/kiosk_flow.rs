//! The Kiosk area: a kiosk session as it runs (SPEC §8.3) — start, the answers of each step,
//! the plan with its slot holds, and its end (terminated or abandoned).
//!
//! A hold is one conditional statement that takes the slot only when it is free (neither booked
//! nor held by a session whose hold is still running), so of any number of sessions racing for
//! a slot exactly one gets it, on either database, without a lock held across requests.

use crate::StoreResult;
use async_trait::async_trait;
use domain::demographics::{Gender, IndigenousStatus};
use domain::kiosk::Demographics;
use domain::listing::{Listing, Slot};
use domain::report::{KioskSession, Outcome, Selection};
use domain::{CategoryId, KioskSessionId, ListingId, SlotId, StationId};
use time::OffsetDateTime;

/// A listing as the kiosk shows it, with its provider's name and whether that provider is the
/// fallback one (whose listings come last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskListing {
    pub listing: Listing,
    pub provider_name: String,
    pub is_fallback: bool,
}

/// A session that the sweep found idle and ended, with its station (the audit's actor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbandonedSession {
    pub id: KioskSessionId,
    pub station_id: StationId,
    pub station_name: String,
}

/// Reads of the Kiosk area.
#[async_trait]
pub trait Kiosk {
    /// Records a request of the session: the abandonment clock and its holds start again. Not
    /// a change that matters to the audit log (like a sign-in session's last use), so outside
    /// any transaction.
    async fn touch_kiosk_session(
        &self,
        id: KioskSessionId,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The session with its categories and selections, in the order they were chosen.
    async fn kiosk_session(&self, id: KioskSessionId) -> StoreResult<Option<KioskSession>>;
    /// Every listing in at least one of these categories, by provider and name, with its
    /// provider; the caller applies the client's filters and the display order.
    async fn kiosk_listings(&self, categories: &[CategoryId]) -> StoreResult<Vec<KioskListing>>;
    /// The slots of these listings that start after `now` and that nobody has booked or holds,
    /// by start time.
    async fn free_slots(
        &self,
        listings: &[ListingId],
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Slot>>;
}

/// Writes of the Kiosk area, inside the audited transaction.
#[async_trait]
pub trait KioskFlowTx {
    /// The session as this transaction sees it, locked against concurrent change.
    async fn kiosk_session_for_update(
        &mut self,
        id: KioskSessionId,
    ) -> StoreResult<Option<KioskSession>>;
    async fn start_kiosk_session(
        &mut self,
        id: KioskSessionId,
        station: StationId,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// [`Kiosk::touch_kiosk_session`] inside a change's transaction.
    async fn record_activity(
        &mut self,
        id: KioskSessionId,
        now: OffsetDateTime,
        hold_until: OffsetDateTime,
    ) -> StoreResult<()>;
    /// The first consent's time is kept when the client agrees again after going back.
    async fn record_consent(&mut self, id: KioskSessionId, now: OffsetDateTime) -> StoreResult<()>;
    async fn record_demographics(
        &mut self,
        id: KioskSessionId,
        answers: &Demographics,
    ) -> StoreResult<()>;
    /// Replaces the chosen categories with those of these that exist (with their names now);
    /// returns how many were recorded.
    async fn replace_categories(
        &mut self,
        id: KioskSessionId,
        categories: &[CategoryId],
    ) -> StoreResult<usize>;
    /// Appends a selection to the plan.
    async fn add_selection(&mut self, id: KioskSessionId, selection: &Selection)
    -> StoreResult<()>;
    /// Removes the listing from the plan, releasing its hold; whether it was there.
    async fn remove_selection(
        &mut self,
        id: KioskSessionId,
        listing: ListingId,
    ) -> StoreResult<bool>;
    /// Holds the slot for the session when it is free at `now`; returns the slot's listing and
    /// start, or `None` when it is booked, held by a live hold, or does not exist.
    async fn hold_slot(
        &mut self,
        slot: SlotId,
        session: KioskSessionId,
        until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ListingId, OffsetDateTime)>>;
    /// Ends a live session with this outcome and releases its holds; whether it was live.
    async fn end_kiosk_session(
        &mut self,
        id: KioskSessionId,
        outcome: Outcome,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Submits a live session: turns every live hold of the session into a booking in one
    /// conditional statement and returns how many became bookings (the caller compares with the
    /// plan, and rolls back when a hold was lost); records `completed`, the sealed name and
    /// when it is to be erased.
    async fn submit_kiosk_session(
        &mut self,
        id: KioskSessionId,
        sealed_name: Option<Vec<u8>>,
        name_erase_at: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Erases the sealed names that are due at `now`; returns the sessions whose name went.
    async fn erase_client_names(&mut self, now: OffsetDateTime)
    -> StoreResult<Vec<KioskSessionId>>;
    /// Ends, as abandoned, every live session with no request since `idle_since`, and releases
    /// their holds.
    async fn abandon_idle_sessions(
        &mut self,
        idle_since: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<AbandonedSession>>;
}

pub(crate) const SESSION: &str = "SELECT id, station_id, started_at, ended_at, outcome,
       consented_at, gender, CAST(age AS BIGINT) AS age, indigenous_status, client_name_sealed
     FROM kiosk_sessions WHERE id = $1";
pub(crate) const SESSION_CATEGORIES: &str = "SELECT category_id, name
     FROM kiosk_session_categories WHERE session_id = $1 ORDER BY position";
pub(crate) const SESSION_SELECTIONS: &str = "SELECT listing_id, provider_id, provider_name,
       listing_name, kind, slot_id, slot_starts_at, is_fallback
     FROM kiosk_selections WHERE session_id = $1 ORDER BY position";
pub(crate) const LISTINGS_IN_CATEGORIES: &str = "WHERE l.id IN
     (SELECT lc.listing_id FROM listing_categories lc WHERE lc.category_id IN ";
/// Free slots, in three parts around the bound `now` (twice) and the list of listings.
pub(crate) const FREE_SLOTS: [&str; 3] = [
    "SELECT id, listing_id, starts_at, CAST(duration_minutes AS BIGINT) AS duration_minutes,
       booked_by_session, created_at
     FROM slots WHERE booked_by_session IS NULL AND starts_at > ",
    " AND (held_by_session IS NULL OR held_until <= ",
    ") AND listing_id IN ",
];
pub(crate) const START: &str = "INSERT INTO kiosk_sessions (id, station_id, started_at,
       last_activity_at) VALUES ($1, $2, $3, $3)";
pub(crate) const TOUCH: &str = "UPDATE kiosk_sessions SET last_activity_at = $2 WHERE id = $1";
pub(crate) const EXTEND_HOLDS: &str =
    "UPDATE slots SET held_until = $2 WHERE held_by_session = $1 AND booked_by_session IS NULL";
pub(crate) const CONSENT: &str =
    "UPDATE kiosk_sessions SET consented_at = COALESCE(consented_at, $2) WHERE id = $1";
pub(crate) const DEMOGRAPHICS: &str = "UPDATE kiosk_sessions
     SET gender = $2, age = $3, indigenous_status = $4 WHERE id = $1";
pub(crate) const CLEAR_CATEGORIES: &str =
    "DELETE FROM kiosk_session_categories WHERE session_id = $1";
pub(crate) const ADD_CATEGORY: &str = "INSERT INTO kiosk_session_categories
       (session_id, position, category_id, name)
     SELECT $1, $2, id, name FROM categories WHERE id = $3";
pub(crate) const ADD_SELECTION: &str = "INSERT INTO kiosk_selections (session_id, position,
       listing_id, provider_id, provider_name, listing_name, kind, slot_id, slot_starts_at,
       is_fallback)
     SELECT $1, COALESCE(MAX(position), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9
     FROM kiosk_selections WHERE session_id = $1";
pub(crate) const RELEASE_SELECTION_HOLD: &str =
    "UPDATE slots SET held_by_session = NULL, held_until = NULL
     WHERE held_by_session = $1 AND id IN
       (SELECT slot_id FROM kiosk_selections WHERE session_id = $1 AND listing_id = $2)";
pub(crate) const REMOVE_SELECTION: &str =
    "DELETE FROM kiosk_selections WHERE session_id = $1 AND listing_id = $2";
/// The hold: one statement that takes the slot only when nobody has booked it and any hold on
/// it has lapsed, so concurrent sessions cannot both succeed.
pub(crate) const HOLD: &str = "UPDATE slots SET held_by_session = $1, held_until = $2
     WHERE id = $3 AND booked_by_session IS NULL
       AND (held_by_session IS NULL OR held_until <= $4)
     RETURNING listing_id, starts_at";
pub(crate) const END: &str = "UPDATE kiosk_sessions SET ended_at = $2, outcome = $3
     WHERE id = $1 AND ended_at IS NULL";
/// The booking: the session's own holds only, and only on slots nobody has booked, so a hold
/// that lapsed and was taken by another session is simply not among them.
pub(crate) const BOOK_HOLDS: &str = "UPDATE slots
     SET booked_by_session = $1, held_by_session = NULL, held_until = NULL
     WHERE held_by_session = $1 AND booked_by_session IS NULL";
pub(crate) const COMPLETE: &str = "UPDATE kiosk_sessions SET ended_at = $2,
       outcome = 'completed', client_name_sealed = $3, name_erase_at = $4
     WHERE id = $1 AND ended_at IS NULL";
/// Names due: by the stored end of the last appointment; a session recorded without it (demo
/// data, sessions from before it existed) once none of its appointments is still to start.
pub(crate) const ERASE_NAMES: &str = "UPDATE kiosk_sessions SET client_name_sealed = NULL
     WHERE client_name_sealed IS NOT NULL AND (name_erase_at <= $1 OR (name_erase_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM kiosk_selections x
         WHERE x.session_id = kiosk_sessions.id AND x.slot_starts_at > $1)))
     RETURNING id";
pub(crate) const RELEASE_HOLDS: &str =
    "UPDATE slots SET held_by_session = NULL, held_until = NULL WHERE held_by_session = $1";
pub(crate) const ABANDON: &str = "UPDATE kiosk_sessions SET ended_at = $2, outcome = 'abandoned'
     WHERE ended_at IS NULL AND COALESCE(last_activity_at, started_at) <= $1
     RETURNING id, station_id";
pub(crate) const RELEASE_ENDED_HOLDS: &str =
    "UPDATE slots SET held_by_session = NULL, held_until = NULL
     WHERE held_by_session IN (SELECT id FROM kiosk_sessions WHERE ended_at IS NOT NULL)";
pub(crate) const STATION_NAMES: &str = "SELECT id, name FROM stations WHERE id IN ";
pub(crate) const PROVIDERS: &str = "SELECT id, name, is_fallback FROM providers WHERE id IN ";

/// The answers' stored names; an age the client kept to themself is NULL.
pub(crate) fn demographic_names(d: &Demographics) -> (&'static str, Option<i64>, &'static str) {
    (d.gender.as_str(), d.age, d.indigenous.as_str())
}

/// Reads an optional stored name back into its enum.
pub(crate) fn parse_named<T>(
    text: Option<&str>,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> StoreResult<Option<T>> {
    text.map(|t| parse(t).ok_or_else(|| crate::StoreError::Corrupt(format!("{what} {t:?}"))))
        .transpose()
}

pub(crate) fn parse_gender(text: Option<&str>) -> StoreResult<Option<Gender>> {
    parse_named(text, Gender::parse, "gender")
}

pub(crate) fn parse_status(text: Option<&str>) -> StoreResult<Option<IndigenousStatus>> {
    parse_named(text, IndigenousStatus::parse, "indigenous status")
}

pub(crate) fn parse_outcome(text: Option<&str>) -> StoreResult<Option<Outcome>> {
    let parse = |t: &str| {
        [Outcome::Completed, Outcome::Cancelled, Outcome::Abandoned]
            .into_iter()
            .find(|o| o.as_str() == t)
    };
    parse_named(text, parse, "outcome")
}

pub(crate) mod rows;
pub(crate) mod stamp;
pub(crate) use stamp::stamp_kiosk_flow;
