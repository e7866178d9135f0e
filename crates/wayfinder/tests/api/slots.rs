//! Appointment slots through the JSON API (SPEC §8.1, §12): series, the 500 cap, clashes refused
//! whole, daylight saving, remove and cancel with audit, scope, and the database's own refusals.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::slot_fixtures::{add_slots, book, hold, kiosk_session, listing, raw, setup};
use domain::Role;
use domain::report::ListingKind;
use serde_json::{Value, json};
use std::sync::Arc;
use store::StoreError;
use wayfinder::mail::transport::Memory;

async fn slots_of(api: &Api<'_>, listing: &str, query: &str) -> Value {
    let (status, page) = api
        .get(&format!("/api/v1/listings/{listing}/slots{query}"))
        .await;
    assert_eq!(status, 200, "{page}");
    page
}

fn starts(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_member_adds_weekday_slots_and_lists_them_upcoming_by_start() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    // Monday 2 March 2026 to Sunday 8 March, weekdays only, two 30-minute slots a day.
    let body = json!({ "starts_at": "2026-03-02T10:00:00Z", "duration_minutes": 30, "count": 2,
        "weekdays": [1, 2, 3, 4, 5], "repeat_until": "2026-03-08" });
    let created = add_slots(&s.member, &s.listing, body).await;
    assert_eq!(created.len(), 10);

    let page = slots_of(&s.member, &s.listing, "").await;
    assert_eq!(page["total"], 10);
    assert_eq!(page["page"], 1);
    assert_eq!(
        page["items"][0],
        json!({ "id": created[0], "listing_id": s.listing, "starts_at": "2026-03-02T10:00:00+00:00",
            "duration_minutes": 30, "status": "free" })
    );
    assert_eq!(starts(&page)[1], "2026-03-02T10:30:00+00:00");
    assert_eq!(starts(&page)[9], "2026-03-06T10:30:00+00:00");
    let one_day = slots_of(&s.member, &s.listing, "?from=2026-03-04&to=2026-03-04").await;
    assert_eq!(
        starts(&one_day),
        ["2026-03-04T10:00:00+00:00", "2026-03-04T10:30:00+00:00"]
    );
    let (status, bad) = s
        .member
        .get(&format!("/api/v1/listings/{}/slots?from=soon", s.listing))
        .await;
    assert_eq!(status, 422);
    assert!(bad["error"]["fields"]["from"].is_string(), "{bad}");
}

#[tokio::test]
async fn one_request_creates_at_most_500_slots() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let path = format!("/api/v1/listings/{}/slots", s.listing);
    let (status, refused) = s
        .member
        .post(
            &path,
            json!({ "starts_at": "2026-03-03T00:00:00Z", "duration_minutes": 5, "count": 501 }),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"]["fields"]["count"].is_string(), "{refused}");
    // 3 a day on every day for 167 days is 501.
    let (status, refused) = s
        .member
        .post(
            &path,
            json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 30, "count": 3,
            "weekdays": [1, 2, 3, 4, 5, 6, 7], "repeat_until": "2026-08-16" }),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let message = refused["error"]["fields"]["repeat_until"].as_str().unwrap();
    assert!(message.contains("at most 500"), "{message}");
    assert_eq!(slots_of(&s.member, &s.listing, "").await["total"], 0);

    let body = json!({ "starts_at": "2026-03-03T00:00:00Z", "duration_minutes": 5, "count": 500 });
    assert_eq!(add_slots(&s.member, &s.listing, body).await.len(), 500);
}

#[tokio::test]
async fn a_series_with_starts_the_listing_has_is_refused_whole_naming_each_clash() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    for start in ["2026-03-04T09:00:00Z", "2026-03-06T09:00:00Z"] {
        let body = json!({ "starts_at": start, "duration_minutes": 60 });
        add_slots(&s.member, &s.listing, body).await;
    }
    let (status, refused) = s
        .member
        .post(
            &format!("/api/v1/listings/{}/slots", s.listing),
            json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 60,
            "weekdays": [2, 3, 4, 5], "repeat_until": "2026-03-06" }),
        )
        .await;

    assert_eq!(status, 409, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.contains("2026-03-04 09:00"), "{message}");
    assert!(message.contains("2026-03-06 09:00"), "{message}");
    assert!(!message.contains("2026-03-05"), "{message}");
    assert_eq!(refused["error"]["fields"]["starts_at"], message);
    let page = slots_of(&s.member, &s.listing, "").await;
    assert_eq!(
        page["total"], 2,
        "nothing of the series was created: {page}"
    );
}

#[tokio::test]
async fn a_weekly_series_across_the_april_change_in_sydney_keeps_its_local_start() {
    let memory = Memory::default();
    let mut app = TestApp::spawn_configured(Arc::new(memory.clone()), |config| {
        config.timezone = jiff::tz::TimeZone::get("Australia/Sydney").unwrap();
    })
    .await;
    app.mail = memory;
    let s = setup(&app).await;
    // Daylight time ends in Sydney on Sunday 5 April 2026 (UTC+11 → UTC+10).
    let body = json!({ "starts_at": "2026-03-30T09:00:00+11:00", "duration_minutes": 45,
        "weekdays": [1], "repeat_until": "2026-04-13" });
    add_slots(&s.member, &s.listing, body).await;

    let page = slots_of(&s.member, &s.listing, "").await;
    assert_eq!(
        starts(&page),
        [
            "2026-03-30T09:00:00+11:00",
            "2026-04-06T09:00:00+10:00",
            "2026-04-13T09:00:00+10:00"
        ]
    );
    let utc = slots_of(
        &s.member,
        &s.listing,
        "?from=2026-04-05T23:00:00Z&to=2026-04-06",
    )
    .await;
    assert_eq!(
        starts(&utc),
        ["2026-04-06T09:00:00+10:00"],
        "09:00 is 23:00 UTC now"
    );
}

#[tokio::test]
async fn a_free_slot_is_removed_at_once_and_the_removal_is_audited() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 30, "count": 2 });
    let ids = add_slots(&s.member, &s.listing, body).await;

    let (status, _) = s.member.delete(&format!("/api/v1/slots/{}", ids[0])).await;

    assert_eq!(status, 204);
    let page = slots_of(&s.member, &s.listing, "").await;
    assert_eq!(starts(&page), ["2026-03-04T09:30:00+00:00"]);
    let (_, audit) = s.admin.get("/api/v1/audit?action=slot.removed").await;
    let event = &audit["items"][0];
    assert_eq!(event["actor"], "ann@example.org", "{audit}");
    assert_eq!(event["target_id"], ids[0].as_str());
    assert_eq!(event["details"]["status"], json!(["free", "removed"]));
    let (_, created) = s.admin.get("/api/v1/audit?action=slots.created").await;
    assert_eq!(created["items"][0]["details"]["count"], 2, "{created}");
}

#[tokio::test]
async fn a_held_or_booked_slot_is_kept_unless_its_booking_is_cancelled_which_is_audited() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 30, "count": 2 });
    let ids = add_slots(&s.member, &s.listing, body).await;
    hold(&app, &ids[0]).await;
    book(&app, &ids[1], "Jamie Citizen").await;
    let page = slots_of(&s.member, &s.listing, "").await;
    assert_eq!(page["items"][0]["status"], "held");
    assert_eq!(page["items"][1]["status"], "booked");

    for id in &ids {
        let (status, refused) = s.member.delete(&format!("/api/v1/slots/{id}")).await;
        assert_eq!(status, 409, "{refused}");
    }
    assert_eq!(slots_of(&s.member, &s.listing, "").await["total"], 2);

    let cancel = format!("/api/v1/slots/{}?cancel_booking=true", ids[1]);
    assert_eq!(s.member.delete(&cancel).await.0, 204);
    assert_eq!(slots_of(&s.member, &s.listing, "").await["total"], 1);
    let (_, audit) = s
        .admin
        .get("/api/v1/audit?action=slot.booking_cancelled")
        .await;
    let event = &audit["items"][0];
    assert_eq!(event["target_id"], ids[1].as_str(), "{audit}");
    assert_eq!(event["details"]["status"], json!(["booked", "removed"]));
    assert!(
        !audit.to_string().contains("Jamie"),
        "no client name in the audit log"
    );
}

#[tokio::test]
async fn slots_of_another_provider_or_for_a_user_of_no_provider_are_not_found() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let other = s.admin.create_provider("Elsewhere").await;
    let theirs = listing(&app, &other, ListingKind::Booking, "Their listing").await;
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 30 });
    let their_slot = add_slots(&s.admin, &theirs, body.clone()).await.remove(0);
    let nobody = Api::sign_in(&app, "nobody@example.org", Role::User).await;

    for caller in [&s.member, &nobody] {
        let list = format!("/api/v1/listings/{theirs}/slots");
        assert_eq!(caller.get(&list).await.0, 404);
        assert_eq!(caller.post(&list, body.clone()).await.0, 404);
        let slot = format!("/api/v1/slots/{their_slot}?cancel_booking=true");
        assert_eq!(caller.delete(&slot).await.0, 404);
    }
    assert_eq!(
        nobody
            .get(&format!("/api/v1/listings/{}/slots", s.listing))
            .await
            .0,
        404
    );
    assert_eq!(
        slots_of(&s.admin, &theirs, "").await["total"],
        1,
        "nothing removed"
    );
}

#[tokio::test]
async fn an_information_listing_has_no_slots() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let info = listing(
        &app,
        &s.provider,
        ListingKind::Information,
        "Housing advice",
    )
    .await;
    let path = format!("/api/v1/listings/{info}/slots");
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 30 });
    let (status, refused) = s.member.post(&path, body).await;
    assert_eq!(status, 422);
    assert!(
        refused["error"]["fields"]["listing_id"].is_string(),
        "{refused}"
    );
    assert_eq!(s.member.get(&path).await.0, 422);
}

#[tokio::test]
async fn the_database_refuses_a_second_slot_at_a_start_and_a_second_client_for_a_slot() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 30 });
    let slot = add_slots(&s.member, &s.listing, body).await.remove(0);

    let duplicate = format!(
        "INSERT INTO slots (id, listing_id, starts_at, duration_minutes, created_at, updated_at)
         SELECT '{}', listing_id, starts_at, 45, created_at, updated_at FROM slots WHERE id = '{slot}'",
        uuid::Uuid::new_v4()
    );
    let refused = raw(&app, &duplicate).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(c)) if c.name() == "slots_listing_start_key"),
        "{refused:?}"
    );

    let first = book(&app, &slot, "First Client").await;
    let second = kiosk_session(&app, "Second Client").await;
    let rebook = format!("UPDATE slots SET booked_by_session = '{second}' WHERE id = '{slot}'");
    let refused = raw(&app, &rebook).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(c)) if c.name() == "slots_booking_not_replaced"),
        "{refused:?}"
    );
    let held_and_booked = format!(
        "UPDATE slots SET held_by_session = '{first}', held_until = updated_at WHERE id = '{slot}'"
    );
    let refused = raw(&app, &held_and_booked).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(c)) if c.name() == "slots_held_or_booked"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_free_slot_summary_gives_the_next_free_start_and_the_free_count_this_week() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let empty = listing(&app, &s.provider, ListingKind::Booking, "No times yet").await;
    // The clock says Monday 2 March 2026, 09:00 UTC; the week ends at Monday 9 March, 00:00.
    let mut ids = Vec::new();
    for start in [
        "2026-03-02T08:00:00Z",
        "2026-03-03T09:00:00Z",
        "2026-03-03T10:00:00Z",
        "2026-03-04T09:00:00Z",
        "2026-03-08T23:30:00Z",
        "2026-03-09T00:00:00Z",
    ] {
        let body = json!({ "starts_at": start, "duration_minutes": 30 });
        ids.extend(add_slots(&s.member, &s.listing, body).await);
    }
    book(&app, &ids[1], "Booked Client").await;
    hold(&app, &ids[2]).await;
    let listings: Vec<domain::ListingId> = [&s.listing, &empty]
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();

    let summary = wayfinder::service::slots::free_summary(&app.state, &listings)
        .await
        .unwrap();

    let mine = &summary[&listings[0]];
    assert_eq!(
        mine.next_free,
        Some(time::macros::datetime!(2026-03-04 09:00 UTC))
    );
    assert_eq!(
        mine.free_this_week, 2,
        "past, booked, held and next week's are not counted"
    );
    assert!(
        !summary.contains_key(&listings[1]),
        "no free slot, no entry"
    );
}

#[tokio::test]
async fn two_identical_series_at_once_create_one_and_refuse_the_other_whole() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let path = format!("/api/v1/listings/{}/slots", s.listing);
    let body = json!({ "starts_at": "2026-03-04T09:00:00Z", "duration_minutes": 5, "count": 200 });

    let (first, second) = tokio::join!(
        s.member.post(&path, body.clone()),
        s.admin.post(&path, body.clone())
    );

    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{first:?} {second:?}");
    let refused = if first.0 == 409 { &first.1 } else { &second.1 };
    assert_eq!(refused["error"]["code"], "conflict", "{refused}");
    assert!(
        refused["error"]["fields"]["starts_at"].is_string(),
        "{refused}"
    );
    assert_eq!(slots_of(&s.member, &s.listing, "").await["total"], 200);
}
