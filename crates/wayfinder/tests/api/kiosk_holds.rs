//! Slot holds at the kiosk (SPEC §8.3): choosing a slot holds it in one conditional statement,
//! so of many sessions racing for it exactly one wins; a held slot is offered to nobody else;
//! removing the choice, terminating and abandonment release it.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{Kiosk, World, listing, world};
use serde_json::{Value, json};

/// A booking listing in Housing with two upcoming slots; returns it and the slots' ids.
async fn intake(w: &World<'_>) -> (String, [String; 2]) {
    let (_, providers) = w.admin.get("/api/v1/providers").await;
    let provider = providers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Northside Services")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({ "kind": "booking", "name": "Intake", "category_ids": [w.housing] });
    let id = listing(&w.admin, &provider, body).await;
    let slots = json!({ "starts_at": "2026-03-03T10:00:00Z", "duration_minutes": 30, "count": 2 });
    let (status, made) = w
        .admin
        .post(&format!("/api/v1/listings/{id}/slots"), slots)
        .await;
    assert_eq!(status, 201, "{made}");
    let ids: Vec<String> = made["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    (id, ids.try_into().unwrap())
}

/// The free slots step 4 offers for the listing.
async fn offered(kiosk: &Kiosk<'_>, session: &str, listing: &str) -> Vec<String> {
    let (status, listings) = kiosk.get(&format!("/sessions/{session}/listings")).await;
    assert_eq!(status, 200, "{listings}");
    let found = listings["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == listing)
        .expect("the listing is shown")
        .clone();
    found["free_slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

fn choose(listing: &str, slot: &str) -> Value {
    json!({ "listing_id": listing, "slot_id": slot })
}

#[tokio::test]
async fn of_twenty_sessions_claiming_one_slot_at_once_exactly_one_gets_it() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (listing, [slot, _]) = intake(&w).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let mut sessions = Vec::new();
    for _ in 0..20 {
        sessions.push(kiosk.at_listings(&[&w.housing]).await);
    }
    let claims = sessions.iter().map(|s| {
        let kiosk = &kiosk;
        let body = choose(&listing, &slot);
        async move { kiosk.post(&format!("/sessions/{s}/selections"), body).await }
    });
    let answers = futures_util::future::join_all(claims).await;
    let won: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(status, _)| *status != 201) {
        assert_eq!(*status, 409, "{body}");
        assert_eq!(body["error"]["code"], "slot_taken");
    }
    let (_, slots) = w
        .admin
        .get(&format!("/api/v1/listings/{listing}/slots"))
        .await;
    assert_eq!(slots["items"][0]["status"], "held", "{slots}");
}

#[tokio::test]
async fn of_sessions_on_two_instances_claiming_one_slot_at_once_exactly_one_gets_it() {
    let app = TestApp::spawn().await;
    let sibling = app.spawn_sibling().await;
    let w = world(&app).await;
    let (listing, [slot, _]) = intake(&w).await;
    let kiosks = [Kiosk::new(&app, &w.token), Kiosk::new(&sibling, &w.token)];
    let mut sessions = Vec::new();
    for i in 0..20 {
        sessions.push((i % 2, kiosks[i % 2].at_listings(&[&w.housing]).await));
    }
    let claims = sessions.iter().map(|(k, s)| {
        let kiosk = &kiosks[*k];
        let body = choose(&listing, &slot);
        async move {
            kiosk
                .post(&format!("/sessions/{s}/selections"), body)
                .await
                .0
        }
    });
    let mut statuses = futures_util::future::join_all(claims).await;
    statuses.sort();
    let mut expected = vec![409; 19];
    expected.insert(0, 201);
    assert_eq!(statuses, expected);
}

#[tokio::test]
async fn a_held_slot_is_offered_to_no_other_session_until_its_choice_is_removed() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (listing, [first, second]) = intake(&w).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let (a, b) = (
        kiosk.at_listings(&[&w.housing]).await,
        kiosk.at_listings(&[&w.housing]).await,
    );
    assert_eq!(
        offered(&kiosk, &b, &listing).await,
        [first.clone(), second.clone()]
    );
    let (status, plan) = kiosk
        .post(
            &format!("/sessions/{a}/selections"),
            choose(&listing, &first),
        )
        .await;
    assert_eq!(status, 201, "{plan}");
    assert_eq!(plan["selections"][0]["slot_id"], first.as_str());
    assert!(plan["selections"][0]["slot_starts_at"].is_string());
    assert_eq!(
        offered(&kiosk, &b, &listing).await,
        std::slice::from_ref(&second)
    );
    let (status, _) = kiosk
        .post(
            &format!("/sessions/{b}/selections"),
            choose(&listing, &first),
        )
        .await;
    assert_eq!(status, 409);

    // Choosing another time of the same listing moves the hold: one slot per listing.
    assert_eq!(
        kiosk
            .post(
                &format!("/sessions/{a}/selections"),
                choose(&listing, &second)
            )
            .await
            .0,
        201
    );
    assert_eq!(
        offered(&kiosk, &b, &listing).await,
        std::slice::from_ref(&first)
    );
    let (_, plan) = kiosk.get(&format!("/sessions/{a}")).await;
    assert_eq!(plan["selections"].as_array().unwrap().len(), 1);

    let path = format!("/api/v1/kiosk/sessions/{a}/selections/{listing}");
    let removed = reqwest::Client::new()
        .delete(app.url(&path))
        .bearer_auth(&w.token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(offered(&kiosk, &b, &listing).await, [first, second]);
}

#[tokio::test]
async fn terminating_a_session_releases_its_hold() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (listing, [slot, other]) = intake(&w).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let (a, b) = (
        kiosk.at_listings(&[&w.housing]).await,
        kiosk.at_listings(&[&w.housing]).await,
    );
    assert_eq!(
        kiosk
            .post(
                &format!("/sessions/{a}/selections"),
                choose(&listing, &slot)
            )
            .await
            .0,
        201
    );
    assert_eq!(
        offered(&kiosk, &b, &listing).await,
        std::slice::from_ref(&other)
    );
    assert_eq!(
        kiosk
            .send("POST", &format!("/sessions/{a}/terminate"), None)
            .await
            .0,
        204
    );
    assert_eq!(offered(&kiosk, &b, &listing).await, [slot.clone(), other]);
    assert_eq!(
        kiosk
            .post(
                &format!("/sessions/{b}/selections"),
                choose(&listing, &slot)
            )
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn an_abandoned_session_releases_its_hold() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (listing, [slot, other]) = intake(&w).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let idle = kiosk.at_listings(&[&w.housing]).await;
    assert_eq!(
        kiosk
            .post(
                &format!("/sessions/{idle}/selections"),
                choose(&listing, &slot)
            )
            .await
            .0,
        201
    );
    app.clock.advance(time::Duration::minutes(31));
    let fresh = kiosk.at_listings(&[&w.housing]).await;
    let mut outcome = Value::Null;
    for _ in 0..50 {
        outcome = kiosk.get(&format!("/sessions/{idle}")).await.1["outcome"].clone();
        if outcome != Value::Null {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(outcome, "abandoned");
    assert_eq!(
        offered(&kiosk, &fresh, &listing).await,
        [slot.clone(), other]
    );
    assert_eq!(
        kiosk
            .post(
                &format!("/sessions/{fresh}/selections"),
                choose(&listing, &slot)
            )
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn a_booking_needs_a_time_of_its_own_listing_and_an_information_listing_takes_none() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (listing, [slot, _]) = intake(&w).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let s = kiosk.at_listings(&[&w.housing]).await;
    let path = format!("/sessions/{s}/selections");
    for body in [
        json!({ "listing_id": listing }),
        json!({ "listing_id": w.shelter, "slot_id": slot }),
        json!({ "listing_id": listing, "slot_id": "not-an-id" }),
        json!({ "listing_id": listing, "slot_id": uuid::Uuid::new_v4() }),
    ] {
        let (status, error) = kiosk.post(&path, body.clone()).await;
        assert_eq!(status, 422, "{body}: {error}");
        assert!(error["error"]["fields"]["slot_id"].is_string(), "{error}");
    }
    let (_, slots) = w
        .admin
        .get(&format!("/api/v1/listings/{listing}/slots"))
        .await;
    assert_eq!(
        slots["items"][0]["status"], "free",
        "a refused choice holds nothing"
    );
}
