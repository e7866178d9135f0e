//! Appointment slots of booking listings (SPEC §8.1): list, Add slots (a series in the configured
//! zone, at most 500, refused whole on a clash), remove or cancel, and a provider's day sheet.
//! Admins reach every listing, a User only their providers' ones; anything else is "not found".

use super::{retrying, zone};
use crate::AppState;
use crate::error::{AppError, FieldErrors, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::listing::{Listing, Slot};
use domain::report::ListingKind;
use domain::slot_series::{SlotRequest, SlotSeries};
use domain::{ListingId, PageNumber, Provider, ProviderId, SlotId, Viewer};
use jiff::civil::Date;
use serde_json::json;
use std::collections::HashMap;
use store::slots::{FreeSlotSummary, Removal, SlotEntry, SlotStatus, SlotWindow};
use time::OffsetDateTime;

/// A slot as people see it: with the client's name while it is kept (booked ones only).
#[derive(Debug, Clone)]
pub struct SlotLine {
    pub entry: SlotEntry,
    pub client_name: Option<String>,
}

/// One booked appointment of a day sheet.
#[derive(Debug, Clone)]
pub struct SheetLine {
    pub slot_id: SlotId,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub listing_name: String,
    pub client_name: Option<String>,
}

/// Which slots to list: from an instant (inclusive) to an optional end (exclusive).
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: OffsetDateTime,
    pub until: Option<OffsetDateTime>,
}

impl Range {
    /// `from`/`to` as typed (RFC 3339 or `YYYY-MM-DD`, a day `to` included whole); upcoming
    /// (from now on) when `from` is missing.
    pub fn parse(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<Self> {
        let tz = &state.config.timezone;
        let mut errors = FieldErrors::new();
        let mut read = |text: Option<&str>, field: &'static str, end: bool| {
            let text = text.map(str::trim).filter(|t| !t.is_empty())?;
            let parsed = match zone::parse_day(text) {
                Some(day) if end => Some(zone::day_range(day, tz).1),
                Some(day) => Some(zone::start_of(day, tz)),
                None => zone::parse_instant(text),
            };
            if parsed.is_none() {
                errors.insert(
                    field,
                    "Enter a date as YYYY-MM-DD or a time as RFC 3339.".into(),
                );
            }
            parsed
        };
        let from = read(from, "from", false);
        let until = read(to, "to", true);
        if let (Some(from), Some(until)) = (from, until) {
            if until < from {
                errors.insert("to", "The end must not be before the start.".into());
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Range {
            from: from.unwrap_or_else(|| state.now()),
            until,
        })
    }
}

/// The booking listing, when `viewer` may manage it (SPEC §2: `ManageListings` in its scope,
/// "not found" otherwise); an information listing has no slots.
pub async fn booking_listing(state: &AppState, viewer: &Viewer, id: ListingId) -> Result<Listing> {
    let listing = super::listings::get(state, viewer, id).await?;
    if listing.kind != ListingKind::Booking {
        return Err(AppError::field(
            "listing_id",
            "Only booking listings have appointment slots.",
        ));
    }
    Ok(listing)
}

fn line(state: &AppState, entry: SlotEntry) -> SlotLine {
    let client_name = match (entry.status, &entry.client_name_sealed) {
        (SlotStatus::Booked, Some(sealed)) => unseal(state, sealed),
        _ => None,
    };
    SlotLine { entry, client_name }
}

fn unseal(state: &AppState, sealed: &[u8]) -> Option<String> {
    state
        .keys
        .open(sealed)
        .and_then(|plain| String::from_utf8(plain).ok())
}

/// A page of the listing's slots in the range, by start, and how many there are in all.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    listing_id: ListingId,
    range: Range,
    page: PageNumber,
) -> Result<(Vec<SlotLine>, i64)> {
    booking_listing(state, viewer, listing_id).await?;
    let window = SlotWindow {
        from: range.from,
        until: range.until,
        limit: domain::PAGE_SIZE,
        offset: page.offset(),
    };
    let (entries, total) = state
        .store
        .list_slots(listing_id, window, state.now())
        .await?;
    let lines = entries.into_iter().map(|e| line(state, e)).collect();
    Ok((lines, total))
}

/// Works the request out in the configured zone: every start, or field errors.
pub fn plan(state: &AppState, request: &SlotRequest) -> Result<SlotSeries> {
    request
        .expand(&state.config.timezone)
        .map_err(|errors| AppError::Validation(errors.into_iter().collect::<FieldErrors>()))
}

/// Creates the whole series or nothing; a start the listing already has refuses it all (409,
/// naming every clashing time).
pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    listing_id: ListingId,
    request: &SlotRequest,
) -> Result<Vec<SlotLine>> {
    let actor = &viewer.actor();
    let listing = booking_listing(state, viewer, listing_id).await?;
    let series = plan(state, request)?;
    let now = state.now();
    let slots: Vec<Slot> = series
        .starts
        .iter()
        .map(|&starts_at| Slot {
            id: SlotId::new(),
            listing_id,
            starts_at,
            duration_minutes: series.duration_minutes,
            booked_by_session: None,
            created_at: now,
        })
        .collect();
    let tz = &state.config.timezone;
    let event = NewAuditEvent::new(now, actor.clone(), Action::SlotsCreated)
        .target("listing", listing.id, listing.name.as_str())
        .details(json!({
            "count": slots.len(),
            "duration_minutes": series.duration_minutes,
            "first": series.starts.first().map(|t| zone::rfc3339(*t, tz)),
            "last": series.starts.last().map(|t| zone::rfc3339(*t, tz)),
        }));
    let clashes =
        retrying(|| async { Ok(state.store.create_slots(&slots, event.clone()).await?) }).await?;
    if !clashes.is_empty() {
        return Err(clash(state, &clashes));
    }
    Ok(slots
        .into_iter()
        .map(|s| SlotLine {
            entry: SlotEntry {
                id: s.id,
                listing_id: s.listing_id,
                starts_at: s.starts_at,
                duration_minutes: s.duration_minutes,
                status: SlotStatus::Free,
                client_name_sealed: None,
            },
            client_name: None,
        })
        .collect())
}

/// The refusal of a series that holds starts the listing already has, naming each of them.
fn clash(state: &AppState, starts: &[OffsetDateTime]) -> AppError {
    let times: Vec<String> = starts
        .iter()
        .map(|t| zone::short(*t, &state.config.timezone))
        .collect();
    let message = format!(
        "This listing already has {} at {}. No slots were created.",
        if times.len() == 1 { "a slot" } else { "slots" },
        times.join(", ")
    );
    AppError::conflict(Some("starts_at"), message)
}

/// The slot with its listing, when `viewer` may manage that listing.
pub async fn slot(state: &AppState, viewer: &Viewer, id: SlotId) -> Result<(SlotLine, Listing)> {
    let entry = state
        .store
        .slot_entry(id, state.now())
        .await?
        .ok_or(AppError::NotFound)?;
    let listing = super::listings::get(state, viewer, entry.listing_id).await?;
    Ok((line(state, entry), listing))
}

/// Removes a free slot; a held or booked one only with `cancel` (its booking goes with it).
pub async fn remove(
    state: &AppState,
    viewer: &Viewer,
    id: SlotId,
    cancel: bool,
) -> Result<SlotEntry> {
    let (_, listing) = slot(state, viewer, id).await?;
    let now = state.now();
    let tz = state.config.timezone.clone();
    let actor = viewer.actor();
    let describe = move |s: &SlotEntry| {
        let action = if s.status == SlotStatus::Booked {
            Action::SlotBookingCancelled
        } else {
            Action::SlotRemoved
        };
        NewAuditEvent::new(now, actor.clone(), action)
            .target("slot", s.id, zone::short(s.starts_at, &tz))
            .details(json!({
                "listing_id": listing.id,
                "listing": listing.name,
                "starts_at": zone::rfc3339(s.starts_at, &tz),
                "duration_minutes": s.duration_minutes,
                "status": [s.status.as_str(), "removed"],
            }))
    };
    let outcome =
        retrying(|| async { Ok(state.store.remove_slot(id, now, cancel, &describe).await?) })
            .await?;
    match outcome {
        Removal::Removed(entry) => Ok(entry),
        Removal::NotFound => Err(AppError::NotFound),
        Removal::InUse(SlotStatus::Held) => Err(AppError::conflict(
            None,
            "A kiosk is choosing this slot right now; it can be removed once the hold ends.",
        )),
        Removal::InUse(_) => Err(AppError::conflict(
            None,
            "This slot is booked; cancel the booking to remove it.",
        )),
    }
}

/// The provider's booked appointments on `day` (in the configured zone), by start.
pub async fn day_sheet(
    state: &AppState,
    viewer: &Viewer,
    provider_id: ProviderId,
    day: Date,
) -> Result<(Provider, Vec<SheetLine>)> {
    let provider = super::listings::provider_in_scope(state, viewer, provider_id).await?;
    let (from, until) = zone::day_range(day, &state.config.timezone);
    let entries = state.store.day_sheet(provider_id, from, until).await?;
    let lines = entries
        .into_iter()
        .map(|e| SheetLine {
            slot_id: e.slot_id,
            starts_at: e.starts_at,
            duration_minutes: e.duration_minutes,
            listing_name: e.listing_name,
            client_name: e
                .client_name_sealed
                .as_deref()
                .and_then(|s| unseal(state, s)),
        })
        .collect();
    Ok((provider, lines))
}

/// For the Booking Listings tab: each listing's next free start and how many are free until the
/// end of this week (in the configured zone). Listings with none are absent.
pub async fn free_summary(
    state: &AppState,
    listing_ids: &[ListingId],
) -> Result<HashMap<ListingId, FreeSlotSummary>> {
    let now = state.now();
    let week_end = zone::week_end(now, &state.config.timezone);
    let rows = state
        .store
        .free_slot_summary(listing_ids, now, week_end)
        .await?;
    Ok(rows.into_iter().map(|r| (r.listing_id, r)).collect())
}
