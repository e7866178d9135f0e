//! The Slots page, Add slots with its preview, cancel behind a confirmation, and the day sheet
//! (SPEC §8.1), as a person uses them: forms posted by a signed-in browser.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::slot_fixtures::{add_slots, book, hold, setup};
use domain::Role;
use serde_json::json;
use std::sync::Arc;
use wayfinder::mail::transport::Memory;

async fn post_form(api: &Api<'_>, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("csrf_token", api.csrf.as_str())];
    form.extend_from_slice(fields);
    api.client
        .post(api.app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

#[tokio::test]
async fn the_slots_page_shows_upcoming_slots_by_day_with_status_and_the_clients_name() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-02T08:00:00Z", "duration_minutes": 30, "count": 2 });
    let past = add_slots(&s.member, &s.listing, body).await;
    let body = json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 30, "count": 3 });
    let ids = add_slots(&s.member, &s.listing, body).await;
    hold(&app, &ids[1]).await;
    book(&app, &ids[2], "Jamie Citizen").await;

    let page = s
        .member
        .page(&format!("/listings/{}/slots", s.listing))
        .await;

    assert!(page.contains("Tuesday 3 March 2026"), "{page}");
    assert!(
        !page.contains("Monday 2 March 2026"),
        "past slots are hidden"
    );
    let free = page.find("09:00–09:30").unwrap();
    let held = page.find("09:30–10:00").unwrap();
    let booked = page.find("10:00–10:30").unwrap();
    assert!(free < held && held < booked, "in time order");
    assert!(page[free..held].contains("Free"));
    assert!(page[held..booked].contains("Held"));
    assert!(page[booked..].contains("Booked") && page[booked..].contains("Jamie Citizen"));
    assert!(page.contains(&format!("/slots/{}/cancel", ids[2])));
    assert!(
        !page.contains(&format!("/slots/{}/cancel", ids[1])),
        "a hold is the kiosk's"
    );

    let with_past = s
        .member
        .page(&format!("/listings/{}/slots?show=past", s.listing))
        .await;
    assert!(with_past.contains("Monday 2 March 2026"), "{with_past}");
    assert!(with_past.contains(&format!("/slots/{}/remove", past[0])));
    let tab = s
        .member
        .page(&format!("/providers/{}/listings/booking", s.provider))
        .await;
    assert!(
        tab.contains("Next free slot: Tue 3 Mar, 09:00 · 1 free this week"),
        "{tab}"
    );
    assert!(tab.contains(&format!("/listings/{}/slots", s.listing)));
}

#[tokio::test]
async fn add_slots_previews_the_times_by_day_before_creating_them() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let fields = [
        ("date", "2026-03-09"),
        ("start_time", "13:30"),
        ("duration_minutes", "60"),
        ("count", "2"),
        ("weekdays", "1"),
        ("weekdays", "3"),
        ("repeat_until", "2026-03-11"),
    ];
    let form = s
        .member
        .page(&format!("/listings/{}/slots/new", s.listing))
        .await;
    assert!(
        form.contains("Add slots") && form.contains("Repeat until"),
        "{form}"
    );

    let preview = post_form(
        &s.member,
        &format!("/listings/{}/slots/preview", s.listing),
        &fields,
    )
    .await;
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(preview.contains("Preview: 4 slots"), "{preview}");
    for text in [
        "Monday 9 March 2026",
        "Wednesday 11 March 2026",
        "13:30–14:30",
        "14:30–15:30",
    ] {
        assert!(preview.contains(text), "{text} in {preview}");
    }
    assert!(!preview.contains("Tuesday 10 March"));
    assert_eq!(
        s.member
            .get(&format!("/api/v1/listings/{}/slots", s.listing))
            .await
            .1["total"],
        0
    );

    let created = post_form(
        &s.member,
        &format!("/listings/{}/slots", s.listing),
        &fields,
    )
    .await;
    assert_eq!(created.status(), 303);
    assert_eq!(location(&created), format!("/listings/{}/slots", s.listing));
    let (_, page) = s
        .member
        .get(&format!("/api/v1/listings/{}/slots", s.listing))
        .await;
    assert_eq!(page["total"], 4, "{page}");

    let again = post_form(
        &s.member,
        &format!("/listings/{}/slots", s.listing),
        &fields,
    )
    .await;
    assert_eq!(again.status(), 409);
    let again = again.text().await.unwrap();
    assert!(
        again.contains("2026-03-09 13:30") && again.contains("No slots were created"),
        "{again}"
    );
    let bad = post_form(
        &s.member,
        &format!("/listings/{}/slots/preview", s.listing),
        &[
            ("date", "2026-03-09"),
            ("start_time", "25:00"),
            ("duration_minutes", "2"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let bad = bad.text().await.unwrap();
    assert!(
        bad.contains("start_time-error") && bad.contains("duration_minutes-error"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_booked_slot_is_cancelled_after_a_confirmation_and_a_free_one_removed_at_once() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 30, "count": 2 });
    let ids = add_slots(&s.member, &s.listing, body).await;
    book(&app, &ids[1], "Jamie Citizen").await;

    let removed = post_form(&s.member, &format!("/slots/{}/remove", ids[0]), &[]).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(location(&removed), format!("/listings/{}/slots", s.listing));
    let refused = post_form(&s.member, &format!("/slots/{}/remove", ids[1]), &[]).await;
    assert_eq!(refused.status(), 409);
    let confirm = s.member.page(&format!("/slots/{}/cancel", ids[1])).await;
    assert!(
        confirm.contains("Cancel this booking?") && confirm.contains("Jamie Citizen"),
        "{confirm}"
    );
    let cancelled = post_form(&s.member, &format!("/slots/{}/cancel", ids[1]), &[]).await;
    assert_eq!(cancelled.status(), 303);

    assert_eq!(
        s.member
            .get(&format!("/api/v1/listings/{}/slots", s.listing))
            .await
            .1["total"],
        0
    );
    let (_, audit) = s
        .admin
        .get("/api/v1/audit?action=slot.booking_cancelled")
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
}

#[tokio::test]
async fn the_day_sheet_lists_one_local_day_across_the_april_change_in_sydney() {
    let memory = Memory::default();
    let mut app = TestApp::spawn_configured(Arc::new(memory.clone()), |config| {
        config.timezone = jiff::tz::TimeZone::get("Australia/Sydney").unwrap();
    })
    .await;
    app.mail = memory;
    let s = setup(&app).await;
    // Sunday 5 April 2026 has 25 hours in Sydney: 00:00 is 13:00 UTC the day before (+11),
    // 23:59 is 13:59 UTC (+10).
    let early = add_slots(
        &s.member,
        &s.listing,
        json!({ "starts_at": "2026-04-05T00:30:00+11:00", "duration_minutes": 30 }),
    )
    .await;
    let late = add_slots(
        &s.member,
        &s.listing,
        json!({ "starts_at": "2026-04-05T23:30:00+10:00", "duration_minutes": 30 }),
    )
    .await;
    let next = add_slots(
        &s.member,
        &s.listing,
        json!({ "starts_at": "2026-04-06T00:10:00+10:00", "duration_minutes": 30 }),
    )
    .await;
    let before = add_slots(
        &s.member,
        &s.listing,
        json!({ "starts_at": "2026-04-04T23:50:00+11:00", "duration_minutes": 30 }),
    )
    .await;
    let free = add_slots(
        &s.member,
        &s.listing,
        json!({ "starts_at": "2026-04-05T12:00:00+10:00", "duration_minutes": 30 }),
    )
    .await;
    book(&app, &late[0], "Late Client").await;
    book(&app, &early[0], "Early Client").await;
    book(&app, &next[0], "Next Day").await;
    book(&app, &before[0], "Day Before").await;
    assert_eq!(free.len(), 1);

    let sheet = s
        .member
        .page(&format!(
            "/providers/{}/day-sheet?day=2026-04-05",
            s.provider
        ))
        .await;

    assert!(sheet.contains("Sunday 5 April 2026"), "{sheet}");
    let early_at = sheet.find("Early Client").expect("early");
    let late_at = sheet.find("Late Client").expect("late");
    assert!(early_at < late_at, "in time order");
    assert!(sheet[..early_at].contains("00:30") && sheet[early_at..].contains("23:30"));
    assert!(
        !sheet.contains("Next Day") && !sheet.contains("Day Before"),
        "{sheet}"
    );
    assert!(!sheet.contains("12:00"), "free slots are not on the sheet");
    assert!(sheet.contains("Court support"));
    let css = s.member.page("/static/app.css").await;
    let print = &css[css.find("@media print").expect("a print stylesheet")..];
    assert!(
        print.contains(".sidebar") && print.contains("display: none"),
        "{print}"
    );
}

#[tokio::test]
async fn slot_pages_of_another_provider_are_not_found() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({ "starts_at": "2026-03-03T09:00:00Z", "duration_minutes": 30 });
    let slot = add_slots(&s.member, &s.listing, body).await.remove(0);
    let outsider = Api::sign_in(&app, "out@example.org", Role::User).await;
    for path in [
        format!("/listings/{}/slots", s.listing),
        format!("/listings/{}/slots/new", s.listing),
        format!("/slots/{slot}/cancel"),
        format!("/providers/{}/day-sheet", s.provider),
    ] {
        let response = outsider.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let refused = post_form(&outsider, &format!("/slots/{slot}/remove"), &[]).await;
    assert_eq!(refused.status(), 404);
    assert_eq!(
        s.member
            .get(&format!("/api/v1/listings/{}/slots", s.listing))
            .await
            .1["total"],
        1
    );
}
