//! A provider member's slots journey in a real browser (SPEC §8.1): a week of weekday slots added
//! through the preview, seen on the Slots page, one removed, and the day sheet; axe-core on the
//! Slots page, Add slots, the preview and the day sheet at desktop and phone width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::TestApp;
use crate::slot_fixtures::{book, listing};
use domain::Role;
use domain::Viewer;
use domain::report::ListingKind;
use wayfinder::service::providers::{self, ProviderInput};
use wayfinder::service::users::{self, NewUser};

#[tokio::test]
async fn a_member_adds_a_week_of_weekday_slots_through_the_preview_and_opens_the_day_sheet() {
    let app = TestApp::spawn().await;
    let input = ProviderInput {
        name: Some("Harbour Legal".into()),
        ..ProviderInput::default()
    };
    let provider = providers::create(&app.state, &Viewer::cli(), &input)
        .await
        .expect("a provider");
    let member = NewUser {
        first_name: "Uma".into(),
        last_name: "Example".into(),
        email: "uma@example.org".into(),
        role: Role::User.as_str().into(),
        provider_ids: vec![provider.id.to_string()],
        can_download_reports: false,
    };
    users::create(&app.state, &Viewer::cli(), &member)
        .await
        .expect("a member");
    let id = provider.id.to_string();
    let visits = listing(&app, &id, ListingKind::Booking, "Legal visits").await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "uma@example.org").await;

    browser
        .goto(&app.url(&format!("/providers/{id}/listings/booking")))
        .await;
    browser.follow("Slots of Legal visits").await;
    browser.wait_for_text("h1", "Slots: Legal visits").await;
    check_page(&browser, "the empty Slots page").await;
    browser.follow("Add slots").await;
    browser.wait_for_text("h1", "Add slots").await;
    check_page(&browser, "the Add slots form").await;
    browser.fill_date("Date", "2026-03-09").await;
    browser.fill("Start time (HH:MM, 24-hour)", "10:00").await;
    browser.fill("Duration (minutes, 5 to 480)", "30").await;
    browser.fill("How many slots in a row", "2").await;
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] {
        browser.tick(day).await;
    }
    browser
        .fill_date(
            "Repeat until (needed with weekdays; that day included)",
            "2026-03-15",
        )
        .await;
    browser.press("Preview slots").await;
    browser.wait_for_text("h1", "Preview: 10 slots").await;
    let days = browser.texts("main h2").await;
    assert_eq!(
        days.first().map(String::as_str),
        Some("Monday 9 March 2026"),
        "{days:?}"
    );
    assert_eq!(
        days.last().map(String::as_str),
        Some("Friday 13 March 2026"),
        "{days:?}"
    );
    check_page(&browser, "the Add slots preview").await;
    browser.press("Create slots").await;
    browser
        .wait_for_text("p.notice", "10 slots were created for")
        .await;
    assert_eq!(browser.texts("li.slot").await.len(), 10);
    check_page(&browser, "the Slots page").await;

    browser
        .press("Remove the slot on Monday 9 March 2026 at 10:00–10:30")
        .await;
    browser.wait_for_text("p.notice", "was removed.").await;
    let times = browser.texts("li.slot .slot-time").await;
    assert_eq!(times.len(), 9);
    assert_eq!(times[0], "10:30–11:00");

    let (_, page) = app_slots(&app, &visits).await;
    book(&app, &page[1], "Jamie Citizen").await;
    browser.follow("Day sheet").await;
    browser
        .wait_for_text("h1", "Day sheet: Harbour Legal")
        .await;
    browser.fill_date("Day", "2026-03-10").await;
    browser.press("Show day").await;
    browser
        .wait_for_text("main h2", "Tuesday 10 March 2026")
        .await;
    let row = browser.text("table.day-sheet tbody tr").await;
    assert!(
        row.contains("10:00") && row.contains("Jamie Citizen"),
        "{row}"
    );
    check_page(&browser, "the day sheet").await;
    browser.close().await;
}

/// The listing's upcoming slot ids, by start, as the store has them.
async fn app_slots(app: &TestApp, listing: &str) -> (i64, Vec<String>) {
    let window = store::slots::SlotWindow {
        from: app.clock_now(),
        until: None,
        limit: 50,
        offset: 0,
    };
    let (entries, total) = app
        .state
        .store
        .list_slots(listing.parse().unwrap(), window, app.clock_now())
        .await
        .unwrap();
    (total, entries.iter().map(|e| e.id.to_string()).collect())
}
