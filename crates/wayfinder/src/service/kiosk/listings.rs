//! Step 4: the listings a session is shown — in a chosen category, passing the client's
//! filters, the fallback provider's last — each booking listing with its free slots.

use super::{KioskPrincipal, visit};
use crate::AppState;
use crate::error::Result;
use domain::kiosk::{self, Demographics, Filters, Step};
use domain::listing::Slot;
use domain::report::{KioskSession, ListingKind};
use domain::{CategoryId, Gender, IndigenousStatus, KioskSessionId, ListingId};
use std::collections::HashMap;
use store::KioskListing;

/// A listing as step 4 shows it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub listing: KioskListing,
    /// Free upcoming slots, by start; empty for an information listing.
    pub free_slots: Vec<Slot>,
}

/// The client's answers; a session that has them always has all three.
fn answers(session: &KioskSession) -> Demographics {
    Demographics {
        gender: session.gender.unwrap_or(Gender::PreferNotToSay),
        age: session.age,
        indigenous: session
            .indigenous_status
            .unwrap_or(IndigenousStatus::PreferNotToSay),
    }
}

/// The listings the session is shown, in display order, without their slots.
pub async fn shown_listings(state: &AppState, session: &KioskSession) -> Result<Vec<KioskListing>> {
    let chosen: Vec<CategoryId> = session.categories.iter().filter_map(|c| c.0).collect();
    let client = answers(session);
    let mut shown: Vec<KioskListing> = state
        .store
        .kiosk_listings(&chosen)
        .await?
        .into_iter()
        .filter(|k| {
            let l = &k.listing;
            let filters = Filters {
                gender: l.gender,
                min_age: l.min_age,
                max_age: l.max_age,
                indigenous: l.indigenous,
            };
            kiosk::shown(&l.category_ids, &filters, &chosen, &client)
        })
        .collect();
    kiosk::order(&mut shown, |k| k.is_fallback);
    Ok(shown)
}

/// Step 4 for the station's session, with each booking listing's free slots.
pub async fn listings(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<Vec<Shown>> {
    let session = visit(state, station, id, Step::Listings).await?;
    let shown = shown_listings(state, &session).await?;
    let booking: Vec<_> = shown
        .iter()
        .filter(|k| k.listing.kind == ListingKind::Booking)
        .map(|k| k.listing.id)
        .collect();
    // Grouped once by listing: a big directory has thousands of free slots.
    let mut slots: HashMap<ListingId, Vec<Slot>> = HashMap::new();
    for slot in state.store.free_slots(&booking, state.now()).await? {
        slots.entry(slot.listing_id).or_default().push(slot);
    }
    Ok(shown
        .into_iter()
        .map(|listing| Shown {
            free_slots: slots.remove(&listing.listing.id).unwrap_or_default(),
            listing,
        })
        .collect())
}
