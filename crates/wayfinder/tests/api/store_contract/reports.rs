//! Contract: kiosk session data written in bulk, and the report rows read back — the same rows,
//! in the same order, on every backend.

use super::*;
use domain::listing::{Listing, Slot, Station};
use domain::report::{KioskSession, ListingKind, Outcome, Selection, SessionReportRow};
use domain::{
    Category, CategoryId, Gender, GenderFilter, IndigenousFilter, IndigenousStatus, KioskSessionId,
    ListingId, Provider, ProviderId, SlotId, StationId,
};
use store::ReportFilter;
use uuid::Uuid;

fn provider(name: &str) -> Provider {
    Provider {
        id: ProviderId::new(),
        name: name.into(),
        description: String::new(),
        booking_email: String::new(),
        contact_email: String::new(),
        phone: String::new(),
        address: String::new(),
        is_fallback: false,
        created_at: start_time(),
        updated_at: start_time(),
    }
}

fn category(name: &str) -> Category {
    Category {
        id: CategoryId::new(),
        name: name.into(),
        colour: "#336699".into(),
        created_at: start_time(),
        updated_at: start_time(),
    }
}

fn listing(provider: &Provider, kind: ListingKind, name: &str, category: &Category) -> Listing {
    Listing {
        id: ListingId::new(),
        provider_id: provider.id,
        kind,
        name: name.into(),
        description: String::new(),
        eligibility_notes: String::new(),
        gender: GenderFilter::Any,
        min_age: Some(18),
        max_age: None,
        indigenous: IndigenousFilter::Any,
        category_ids: vec![category.id],
        created_at: start_time(),
    }
}

fn selection(provider: &Provider, listing: &Listing, slot: Option<&Slot>) -> Selection {
    Selection {
        listing_id: Some(listing.id),
        provider_id: Some(provider.id),
        provider_name: provider.name.clone(),
        listing_name: listing.name.clone(),
        kind: listing.kind,
        slot_id: slot.map(|s| s.id),
        slot_starts_at: slot.map(|s| s.starts_at),
        is_fallback: provider.is_fallback,
    }
}

fn session(station: &Station, minutes: i64, selections: Vec<Selection>) -> KioskSession {
    let started_at = start_time() + Duration::minutes(minutes);
    KioskSession {
        id: KioskSessionId(Uuid::new_v4()),
        station_id: station.id,
        started_at,
        ended_at: Some(started_at + Duration::seconds(754)),
        outcome: Some(Outcome::Completed),
        consented_at: Some(started_at + Duration::seconds(5)),
        gender: Some(Gender::Female),
        age: Some(34),
        indigenous_status: Some(IndigenousStatus::PreferNotToSay),
        client_name_sealed: Some(vec![1, 2, 3]),
        categories: Vec::new(),
        selections,
    }
}

async fn report(db: &Fixture, filter: ReportFilter) -> Vec<SessionReportRow> {
    let mut receiver = db.store.session_report(filter);
    let mut rows = Vec::new();
    while let Some(row) = receiver.recv().await {
        rows.push(row.expect("row"));
    }
    rows
}

#[tokio::test]
async fn the_report_lists_sessions_in_order_and_scopes_a_member_to_their_providers() {
    let db = fresh().await;
    assert!(!db.store.has_data().await.unwrap());
    let now = start_time();
    let housing = provider("Housing First");
    let mut fallback = provider("General Help");
    fallback.is_fallback = true;
    let (health, work) = (category("Health"), category("Work"));
    let beds = listing(&housing, ListingKind::Booking, "Beds", &health);
    let advice = listing(&fallback, ListingKind::Information, "Advice", &work);
    let slot = Slot {
        id: SlotId::new(),
        listing_id: beds.id,
        starts_at: now + Duration::days(2),
        duration_minutes: 30,
        booked_by_session: None,
        created_at: now,
    };
    let station = Station {
        id: StationId(Uuid::new_v4()),
        name: "Unit 1 kiosk".into(),
        token_hash: vec![9; 32],
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let member = db.add_user("member@example.org").await;

    // Two sessions at the same time (ordered by id), one later, one outside the range.
    let mut both = session(
        &station,
        10,
        vec![
            selection(&fallback, &advice, None),
            selection(&housing, &beds, Some(&slot)),
        ],
    );
    both.categories = vec![(Some(work.id), "Work".into()), (None, "Old name".into())];
    let mut twin = session(&station, 10, vec![selection(&housing, &beds, None)]);
    twin.outcome = None;
    twin.ended_at = None;
    twin.age = None;
    twin.client_name_sealed = None;
    let only_fallback = session(&station, 20, vec![selection(&fallback, &advice, None)]);
    let empty = session(&station, 25, Vec::new());
    let outside = session(&station, 60 * 24, vec![selection(&housing, &beds, None)]);

    let mut tx = db.store.begin().await.unwrap();
    tx.insert_provider(&housing).await.unwrap();
    tx.insert_provider(&fallback).await.unwrap();
    tx.set_fallback(Some(fallback.id), now).await.unwrap();
    tx.insert_category(&health).await.unwrap();
    tx.insert_category(&work).await.unwrap();
    tx.insert_listing(&beds).await.unwrap();
    tx.insert_listing(&advice).await.unwrap();
    tx.insert_slots(std::slice::from_ref(&slot)).await.unwrap();
    tx.insert_station(&station).await.unwrap();
    tx.add_membership(member.id, housing.id, now).await.unwrap();
    tx.insert_kiosk_sessions(&[
        outside.clone(),
        only_fallback.clone(),
        both.clone(),
        empty.clone(),
        twin.clone(),
    ])
    .await
    .unwrap();
    tx.commit(event(Action::DemoLoaded)).await.unwrap();
    assert!(db.store.has_data().await.unwrap());

    let day = ReportFilter {
        from: now,
        until: now + Duration::hours(12),
        member_of: None,
    };
    let row = |s: &KioskSession| SessionReportRow {
        session_id: s.id,
        started_at: s.started_at,
        ended_at: s.ended_at,
        outcome: s.outcome.map(|o| o.as_str().to_owned()),
        station: "Unit 1 kiosk".into(),
        gender: s.gender,
        age: s.age,
        indigenous_status: s.indigenous_status,
        categories: s.categories.iter().map(|(_, n)| n.clone()).collect(),
        information: Vec::new(),
        bookings: Vec::new(),
        fallback_selected: false,
    };
    let mut pair = vec![
        SessionReportRow {
            information: vec![("General Help".into(), "Advice".into())],
            bookings: vec![("Housing First".into(), "Beds".into(), Some(slot.starts_at))],
            fallback_selected: true,
            ..row(&both)
        },
        SessionReportRow {
            bookings: vec![("Housing First".into(), "Beds".into(), None)],
            ..row(&twin)
        },
    ];
    pair.sort_by_key(|r| r.session_id.to_string());
    let mut expected = pair.clone();
    expected.push(SessionReportRow {
        information: vec![("General Help".into(), "Advice".into())],
        fallback_selected: true,
        ..row(&only_fallback)
    });
    expected.push(row(&empty));
    assert_eq!(report(&db, day.clone()).await, expected);

    // The member of Housing First: only sessions with its selections, and only those.
    let mut scoped = pair;
    for r in &mut scoped {
        r.information.clear();
        r.fallback_selected = false;
    }
    let as_member = ReportFilter {
        member_of: Some(member.id),
        ..day
    };
    assert_eq!(report(&db, as_member).await, scoped);
}

#[tokio::test]
async fn a_clients_name_is_erased_once_their_appointments_are_over() {
    let db = fresh().await;
    let now = start_time();
    let station = Station {
        id: StationId(Uuid::new_v4()),
        name: "Unit 2 kiosk".into(),
        token_hash: vec![8; 32],
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let housing = provider("Housing First");
    let shelter = category("Shelter");
    let beds = listing(&housing, ListingKind::Booking, "Beds", &shelter);
    let slot_at = |days: i64| Slot {
        id: SlotId::new(),
        listing_id: beds.id,
        starts_at: now + Duration::days(days),
        duration_minutes: 30,
        booked_by_session: None,
        created_at: now,
    };
    let (tomorrow, in_three_days) = (slot_at(1), slot_at(3));
    let soon = session(
        &station,
        0,
        vec![selection(&housing, &beds, Some(&tomorrow))],
    );
    let later = session(
        &station,
        5,
        vec![selection(&housing, &beds, Some(&in_three_days))],
    );
    let no_booking = session(&station, 9, Vec::new());
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_provider(&housing).await.unwrap();
    tx.insert_category(&shelter).await.unwrap();
    tx.insert_listing(&beds).await.unwrap();
    tx.insert_slots(&[tomorrow, in_three_days]).await.unwrap();
    tx.insert_station(&station).await.unwrap();
    tx.insert_kiosk_sessions(&[soon, later, no_booking])
        .await
        .unwrap();
    tx.commit(event(Action::DemoLoaded)).await.unwrap();
    // Counts the sessions that still hold a name (an UPDATE that changes nothing says how many).
    let named =
        || db.raw("UPDATE kiosk_sessions SET age = age WHERE client_name_sealed IS NOT NULL");

    // The sweep's erasure, in its own audited transaction; returns how many names went.
    let store = &db.store;
    let erase = |at| async move {
        let mut tx = store.begin().await.unwrap();
        let erased = tx.erase_client_names(at).await.unwrap();
        tx.commit(event(Action::KioskClientNameErased))
            .await
            .unwrap();
        erased.len()
    };
    assert_eq!(erase(now).await, 1);
    assert_eq!(
        named().await.unwrap(),
        2,
        "a name without any booking goes at once"
    );
    assert_eq!(erase(now + Duration::days(2)).await, 1);
    assert_eq!(named().await.unwrap(), 1, "tomorrow's appointment is over");
    assert_eq!(erase(now + Duration::days(4)).await, 1);
    assert_eq!(named().await.unwrap(), 0);
}
