//! The changes of a kiosk session, step by step: start, consent, the client's answers, the
//! categories, the plan (with slot holds), and its end by terminate or abandonment.

use super::listings::shown_listings;
use super::{IDLE_LIMIT, KioskPrincipal, open};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::retrying;
use domain::audit::Action;
use domain::kiosk::{Demographics, Step};
use domain::report::{KioskSession, ListingKind, Outcome, Selection};
use domain::{CategoryId, KioskSessionId, ListingId, SlotId};
use serde_json::json;
use store::KioskListing;

/// Starts a session on the station, at step 1.
pub async fn start(state: &AppState, station: &KioskPrincipal) -> Result<KioskSessionId> {
    let id = KioskSessionId::new();
    retrying(|| async {
        let now = state.now();
        let mut tx = state.store.begin().await?;
        tx.start_kiosk_session(id, station.id, now).await?;
        tx.commit(station.event(now, Action::KioskSessionStarted, id))
            .await?;
        Ok(id)
    })
    .await
}

/// Step 1: the client agreed (an answer of no is not consent and changes nothing).
pub async fn consent(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    agreed: bool,
) -> Result<()> {
    if !agreed {
        return Err(AppError::field(
            "consent",
            "The client must agree before the session can go on.",
        ));
    }
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Consent).await?;
        tx.record_consent(id, now).await?;
        tx.commit(station.event(now, Action::KioskConsentGiven, id))
            .await?;
        Ok(())
    })
    .await
}

/// Step 2: the client's answers, replacing earlier ones (Back keeps and changes them).
pub async fn demographics(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    answers: &Demographics,
) -> Result<()> {
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Demographics).await?;
        tx.record_demographics(id, answers).await?;
        // The answers themselves are personal: the audit says only that they were given.
        tx.commit(station.event(now, Action::KioskDemographicsRecorded, id))
            .await?;
        Ok(())
    })
    .await
}

/// Step 3: one or more categories, each of which must exist.
pub async fn categories(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    chosen: &[CategoryId],
) -> Result<()> {
    let mut chosen = chosen.to_vec();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::field(
            "category_ids",
            "Choose at least one category.",
        ));
    }
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Categories).await?;
        let recorded = tx.replace_categories(id, &chosen).await?;
        if recorded != chosen.len() {
            return Err(AppError::field(
                "category_ids",
                "One of the chosen categories no longer exists.",
            ));
        }
        let event = station
            .event(now, Action::KioskCategoriesChosen, id)
            .details(json!({ "count": recorded }));
        tx.commit(event).await?;
        Ok(())
    })
    .await
}

/// Step 4: adds a listing shown to this session to the plan; a booking listing's slot is held
/// for the session, or the slot is taken (`409 slot_taken`). Choosing a listing again replaces
/// its earlier choice (at most one slot per listing per session).
pub async fn add_selection(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    listing: ListingId,
    slot: Option<SlotId>,
) -> Result<()> {
    let chosen = &shown_listing(state, station, id, listing, slot).await?;
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Listings).await?;
        // The earlier choice of this listing goes first, releasing its hold.
        tx.remove_selection(id, listing).await?;
        let starts_at = match slot {
            None => None,
            Some(slot) => match tx.hold_slot(slot, id, now + IDLE_LIMIT, now).await? {
                Some((_, starts)) => Some(starts),
                None => return Err(slot_taken()),
            },
        };
        tx.add_selection(id, &selection(chosen, slot, starts_at))
            .await?;
        let event = station
            .event(now, Action::KioskSelectionAdded, id)
            .details(json!({ "kind": chosen.listing.kind.as_str() }));
        tx.commit(event).await?;
        Ok(())
    })
    .await
}

/// The listing as this session is shown it, with a slot when (and only when) it takes
/// bookings. Read before the transaction, which must not wait for a pooled connection while it
/// holds one (and, on SQLite, the write lock).
async fn shown_listing(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    listing: ListingId,
    slot: Option<SlotId>,
) -> Result<KioskListing> {
    let session = super::read(state, station, id).await?;
    super::progress(&session)
        .enter(Step::Listings)
        .map_err(super::refused)?;
    let shown = shown_listings(state, &session).await?;
    let Some(chosen) = shown.into_iter().find(|k| k.listing.id == listing) else {
        return Err(AppError::field(
            "listing_id",
            "This listing is not one of those shown in this session.",
        ));
    };
    match (chosen.listing.kind, slot) {
        (ListingKind::Information, None) => {}
        (ListingKind::Information, Some(_)) => {
            return Err(AppError::field(
                "slot_id",
                "This listing takes no bookings.",
            ));
        }
        (ListingKind::Booking, None) => return Err(AppError::field("slot_id", "Choose a time.")),
        (ListingKind::Booking, Some(slot)) => check_slot(state, slot, listing).await?,
    }
    Ok(chosen)
}

/// The plan's line for the chosen listing, with the names it has now.
fn selection(
    chosen: &KioskListing,
    slot: Option<SlotId>,
    starts_at: Option<time::OffsetDateTime>,
) -> Selection {
    Selection {
        listing_id: Some(chosen.listing.id),
        provider_id: Some(chosen.listing.provider_id),
        provider_name: chosen.provider_name.clone(),
        listing_name: chosen.listing.name.clone(),
        kind: chosen.listing.kind,
        slot_id: slot,
        slot_starts_at: starts_at,
        is_fallback: chosen.is_fallback,
    }
}

/// A slot that could be chosen for the listing: it exists, is the listing's and is still to
/// come. Whether it is free is the hold's to decide, in one statement.
async fn check_slot(state: &AppState, slot: SlotId, listing: ListingId) -> Result<()> {
    let now = state.now();
    match state.store.slot_entry(slot, now).await? {
        Some(entry) if entry.listing_id != listing => Err(AppError::field(
            "slot_id",
            "This time is not one of this listing's.",
        )),
        Some(entry) if entry.starts_at <= now => Err(AppError::field(
            "slot_id",
            "This time has passed. Choose another time.",
        )),
        Some(_) => Ok(()),
        None => Err(AppError::field(
            "slot_id",
            "There is no such time. Choose another time.",
        )),
    }
}

/// The plain answer to a slot another session holds or has booked.
fn slot_taken() -> AppError {
    AppError::State {
        code: "slot_taken",
        message: "Someone else has just chosen this time. Please choose another time.".into(),
    }
}

/// Removes a listing from the plan, releasing its hold.
pub async fn remove_selection(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    listing: ListingId,
) -> Result<()> {
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Listings).await?;
        if !tx.remove_selection(id, listing).await? {
            return Err(AppError::NotFound);
        }
        tx.commit(station.event(now, Action::KioskSelectionRemoved, id))
            .await?;
        Ok(())
    })
    .await
}

/// Terminate session: `cancelled`, holds released.
pub async fn terminate(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<()> {
    retrying(|| async {
        let (mut tx, _, now) = open(state, station, id, Step::Consent).await?;
        tx.end_kiosk_session(id, Outcome::Cancelled, now).await?;
        tx.commit(station.event(now, Action::KioskSessionTerminated, id))
            .await?;
        Ok(())
    })
    .await
}

/// Ends every session left alone for [`IDLE_LIMIT`] as abandoned, releasing its holds; each
/// audited with its station as the actor. Returns how many ended.
pub async fn abandon_idle(state: &AppState) -> Result<usize> {
    retrying(|| async {
        let now = state.now();
        let mut tx = state.store.begin().await?;
        let ended = tx.abandon_idle_sessions(now - IDLE_LIMIT, now).await?;
        let Some((last, rest)) = ended.split_last() else {
            return Ok(0);
        };
        let event = |s: &store::AbandonedSession| {
            let station = KioskPrincipal {
                id: s.station_id,
                name: s.station_name.clone(),
            };
            station.event(now, Action::KioskSessionAbandoned, s.id)
        };
        for s in rest {
            tx.record(event(s)).await?;
        }
        tx.commit(event(last)).await?;
        Ok(ended.len())
    })
    .await
}

/// The session as it is now (after a change).
pub async fn current(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<KioskSession> {
    super::read(state, station, id).await
}
