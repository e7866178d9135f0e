//! The demo's listings and their upcoming slots, made through the same services as the
//! dashboard, so demo data obeys every rule a provider member's input does.

use super::World;
use crate::AppState;
use crate::service::{listings, slots};
use anyhow::Context;
use domain::Viewer;
use domain::report::ListingKind;
use domain::slot_series::SlotRequest;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// How many weeks of weekday slots each booking listing gets.
const WEEKS_OF_SLOTS: i64 = 4;

/// Creates the world's listings (replacing each with the one the service made, so sessions
/// refer to real ids) and gives every booking listing weekday slots for the next four weeks.
pub async fn create(state: &AppState, world: &mut World, rng: &mut StdRng) -> anyhow::Result<()> {
    let operator = Viewer::cli();
    for listing in &mut world.listings {
        let patch = listings::ListingPatch {
            kind: Some(listing.kind.as_str().to_owned()),
            name: Some(listing.name.clone()),
            description: Some(listing.description.clone()),
            eligibility_notes: Some(listing.eligibility_notes.clone()),
            category_ids: Some(
                listing
                    .category_ids
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            gender: Some(listing.gender.as_str().to_owned()),
            min_age: listing.min_age.map(|age| age.to_string()),
            max_age: listing.max_age.map(|age| age.to_string()),
            indigenous: Some(listing.indigenous.as_str().to_owned()),
        };
        let created = listings::create(state, &operator, listing.provider_id, &patch)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot create the demo listing {:?}", listing.name))?;
        if created.kind == ListingKind::Booking {
            let request = weekday_mornings(state, rng);
            slots::create(state, &operator, created.id, &request)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
                .with_context(|| format!("cannot create slots for {:?}", created.name))?;
        }
        *listing = created;
    }
    Ok(())
}

/// Four appointments in a row from 09:00 local time on every weekday, from tomorrow on.
fn weekday_mornings(state: &AppState, rng: &mut StdRng) -> SlotRequest {
    let today = crate::service::zone::local(state.now(), &state.config.timezone).date();
    let first = today.tomorrow().unwrap_or(today);
    let until = first
        .checked_add(jiff::Span::new().days(7 * WEEKS_OF_SLOTS - 1))
        .unwrap_or(first);
    SlotRequest {
        first: first.at(9, 0, 0, 0),
        duration_minutes: *[30, 45, 60].choose(rng).unwrap_or(&30),
        count: 4,
        weekdays: vec![1, 2, 3, 4, 5],
        repeat_until: Some(until),
    }
}
