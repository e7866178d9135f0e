//! The kiosk API's objects (SPEC §12): the session and a listing as step 4 shows it.

use super::listings::ListingView;
use crate::service::kiosk::{self, listings::Shown};
use domain::listing::Slot;
use domain::report::KioskSession;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A kiosk session (SPEC §12).
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: OffsetDateTime,
    /// `consent`, `demographics`, `categories`, `listings`, `review` or `ended`.
    pub step: &'static str,
    /// `completed`, `cancelled` or `abandoned` once ended.
    pub outcome: Option<&'static str>,
    pub gender: Option<&'static str>,
    pub age: Option<i64>,
    pub indigenous_status: Option<&'static str>,
    pub category_ids: Vec<String>,
    pub selections: Vec<SelectionView>,
}

/// A listing in the session's plan.
#[derive(Serialize, ToSchema)]
pub struct SelectionView {
    pub listing_id: Option<String>,
    pub slot_id: Option<String>,
    /// `information` or `booking`.
    pub kind: &'static str,
    pub provider_name: String,
    pub listing_name: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub slot_starts_at: Option<OffsetDateTime>,
}

pub fn session_view(s: &KioskSession) -> SessionView {
    SessionView {
        id: s.id.to_string(),
        started_at: s.started_at,
        step: kiosk::step(s).as_str(),
        outcome: s.outcome.map(|o| o.as_str()),
        gender: s.gender.map(|g| g.as_str()),
        age: s.age,
        indigenous_status: s.indigenous_status.map(|i| i.as_str()),
        category_ids: s
            .categories
            .iter()
            .filter_map(|c| c.0.map(|id| id.to_string()))
            .collect(),
        selections: s
            .selections
            .iter()
            .map(|x| SelectionView {
                listing_id: x.listing_id.map(|id| id.to_string()),
                slot_id: x.slot_id.map(|id| id.to_string()),
                kind: x.kind.as_str(),
                provider_name: x.provider_name.clone(),
                listing_name: x.listing_name.clone(),
                slot_starts_at: x.slot_starts_at,
            })
            .collect(),
    }
}

/// A free slot as the kiosk offers it.
#[derive(Serialize, ToSchema)]
pub struct FreeSlotView {
    pub id: String,
    pub listing_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    /// Always `free`.
    pub status: &'static str,
}

impl From<&Slot> for FreeSlotView {
    fn from(s: &Slot) -> Self {
        Self {
            id: s.id.to_string(),
            listing_id: s.listing_id.to_string(),
            starts_at: s.starts_at,
            duration_minutes: s.duration_minutes,
            status: "free",
        }
    }
}

/// A listing as step 4 shows it.
#[derive(Serialize, ToSchema)]
pub struct ShownView {
    #[serde(flatten)]
    pub listing: ListingView,
    pub provider_name: String,
    pub is_fallback: bool,
    pub free_slots: Vec<FreeSlotView>,
}

impl From<&Shown> for ShownView {
    fn from(s: &Shown) -> Self {
        Self {
            listing: ListingView::from(&s.listing.listing),
            provider_name: s.listing.provider_name.clone(),
            is_fallback: s.listing.is_fallback,
            free_slots: s.free_slots.iter().map(FreeSlotView::from).collect(),
        }
    }
}
