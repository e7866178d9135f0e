//! Kiosk sessions as recorded, and their rows in `sessions.csv` (SPEC §7).

use crate::{
    CategoryId, Gender, IndigenousStatus, KioskSessionId, ListingId, ProviderId, SlotId, StationId,
};
use time::{OffsetDateTime, UtcOffset};

/// How a kiosk session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Cancelled,
    Abandoned,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Cancelled => "cancelled",
            Outcome::Abandoned => "abandoned",
        }
    }
}

/// Whether a listing informs or takes bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    Information,
    Booking,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Information => "information",
            ListingKind::Booking => "booking",
        }
    }
}

/// A listing chosen in a session, with the names it had then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub listing_id: Option<ListingId>,
    pub provider_id: Option<ProviderId>,
    pub provider_name: String,
    pub listing_name: String,
    pub kind: ListingKind,
    pub slot_id: Option<SlotId>,
    pub slot_starts_at: Option<OffsetDateTime>,
    /// The listing belonged to the fallback provider.
    pub is_fallback: bool,
}

/// A kiosk session as the kiosk records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskSession {
    pub id: KioskSessionId,
    pub station_id: StationId,
    pub started_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    pub outcome: Option<Outcome>,
    pub consented_at: Option<OffsetDateTime>,
    pub gender: Option<Gender>,
    pub age: Option<i64>,
    pub indigenous_status: Option<IndigenousStatus>,
    /// Encrypted; only with a booking. Never exported.
    pub client_name_sealed: Option<Vec<u8>>,
    /// The chosen categories, with their names then.
    pub categories: Vec<(Option<CategoryId>, String)>,
    pub selections: Vec<Selection>,
}

/// One row of `sessions.csv`, before formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReportRow {
    pub session_id: KioskSessionId,
    pub started_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
    pub station: String,
    pub gender: Option<Gender>,
    pub age: Option<i64>,
    pub indigenous_status: Option<IndigenousStatus>,
    pub categories: Vec<String>,
    /// (provider, listing)
    pub information: Vec<(String, String)>,
    /// (provider, listing, start)
    pub bookings: Vec<(String, String, Option<OffsetDateTime>)>,
    pub fallback_selected: bool,
}

/// The columns of `sessions.csv`, in order.
pub const SESSION_CSV_HEADER: [&str; 13] = [
    "session_id",
    "started_at",
    "ended_at",
    "duration_seconds",
    "outcome",
    "station",
    "gender",
    "age",
    "indigenous_status",
    "categories",
    "information_listings",
    "bookings",
    "fallback_selected",
];

/// ISO 8601 with the offset: `2026-03-02T09:00:00+00:00`.
pub fn iso(t: OffsetDateTime, offset: UtcOffset) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    t.to_offset(offset).format(format).unwrap_or_default()
}

impl SessionReportRow {
    /// The row's cells (not yet protected against formulas), times in `offset`.
    pub fn cells(&self, offset: UtcOffset) -> [String; 13] {
        let duration = self
            .ended_at
            .map(|end| (end - self.started_at).whole_seconds().to_string())
            .unwrap_or_default();
        let information: Vec<String> = self
            .information
            .iter()
            .map(|(p, l)| format!("{p} — {l}"))
            .collect();
        let bookings: Vec<String> = self
            .bookings
            .iter()
            .map(|(p, l, at)| match at {
                Some(at) => format!("{p} — {l} @ {}", iso(*at, offset)),
                None => format!("{p} — {l}"),
            })
            .collect();
        [
            self.session_id.to_string(),
            iso(self.started_at, offset),
            self.ended_at.map(|t| iso(t, offset)).unwrap_or_default(),
            duration,
            self.outcome.clone().unwrap_or_default(),
            self.station.clone(),
            self.gender
                .map(Gender::as_str)
                .unwrap_or_default()
                .to_owned(),
            self.age.map(|a| a.to_string()).unwrap_or_default(),
            self.indigenous_status
                .map(IndigenousStatus::as_str)
                .unwrap_or_default()
                .to_owned(),
            self.categories.join("; "),
            information.join("; "),
            bookings.join("; "),
            self.fallback_selected.to_string(),
        ]
    }
}
