//! Booked appointments written straight through the store, for the listings' delete guard
//! (the slots and kiosk services that make them are another area's).

use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::listing::{Slot, Station};
use domain::report::KioskSession;
use time::Duration;
use uuid::Uuid;

/// Stores a kiosk session that booked a slot of the listing at `starts_at` and, with `free`, a
/// free slot an hour later.
pub async fn book(app: &TestApp, listing: &str, starts_at: time::OffsetDateTime, free: bool) {
    let now = app.clock_now();
    let station = Station {
        id: domain::StationId::new(),
        name: "Unit 1 kiosk".into(),
        token_hash: Uuid::new_v4().as_bytes().to_vec(),
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let session = KioskSession {
        id: domain::KioskSessionId::new(),
        station_id: station.id,
        started_at: now,
        ended_at: Some(now),
        outcome: Some(domain::report::Outcome::Completed),
        consented_at: Some(now),
        gender: None,
        age: None,
        indigenous_status: None,
        client_name_sealed: None,
        categories: vec![],
        selections: vec![],
    };
    let slot = |start, booked| Slot {
        id: domain::SlotId::new(),
        listing_id: listing.parse().unwrap(),
        starts_at: start,
        duration_minutes: 30,
        booked_by_session: booked,
        created_at: now,
    };
    let mut slots = vec![slot(starts_at, Some(session.id))];
    if free {
        slots.push(slot(starts_at + Duration::hours(1), None));
    }
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_station(&station).await.unwrap();
    tx.insert_kiosk_sessions(&[session]).await.unwrap();
    tx.insert_slots(&slots).await.unwrap();
    tx.commit(NewAuditEvent::new(now, Actor::System, Action::DemoLoaded))
        .await
        .unwrap();
}
