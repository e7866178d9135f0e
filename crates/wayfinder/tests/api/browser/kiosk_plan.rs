//! A whole kiosk session in a real browser, from the station link to the printed plan, at
//! desktop and phone size, by pointer and by keyboard alone; Finish and Terminate leave nothing
//! of the client for Back to show; the idle warning; axe on every page on the way.

use super::axe::check_page;
use super::driver::Browser;
use crate::helpers::TestApp;
use crate::kiosk_fixtures::{World, world};
use crate::kiosk_review::intake;
use serde_json::Value;
use std::time::Duration;

/// The kiosk sizes of the brief: a desktop screen and a phone.
const SCREENS: [(u32, u32); 2] = [(1280, 800), (390, 844)];

/// What the plan of these journeys puts on screen; none of it may outlive Finish.
const PLAN_WORDS: [&str; 5] = [
    "Intake",
    "Eastside Legal",
    "Shelter",
    "Northside Services",
    "Sam Citizen",
];

/// The printed plan: every fact of the appointment and of the information service, and never
/// the client's name.
async fn check_printed(browser: &Browser, time: &str) {
    let text = browser.wait_for_text("main", "Your plan").await;
    for fact in [
        "Intake",
        "Eastside Legal",
        time,
        "30 minutes",
        "1 Harbour Street, Sydney",
        "02 5550 0100",
        "Bring your release papers.",
        "Booking reference",
        "Shelter",
        "Northside Services",
        "131 450",
    ] {
        assert!(text.contains(fact), "{fact} on the print page:\n{text}");
    }
    let source = browser.client.source().await.expect("page source");
    assert!(!source.contains("Sam Citizen"), "no name: {source}");
    let print = browser.text("button[data-print]").await;
    assert_eq!(print, "Print", "the script shows the Print button");
}

/// Back after the session: the page the browser shows has nothing of the plan.
async fn back_shows_nothing(browser: &Browser) {
    browser.client.back().await.expect("history back");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let source = browser.client.source().await.expect("page source");
    for word in PLAN_WORDS {
        assert!(!source.contains(word), "{word} after Back:\n{source}");
    }
    assert!(source.contains("Start session"), "{source}");
}

/// Steps 1–3 by pointer: consent, a woman of 34, Housing.
async fn to_listings(browser: &Browser, app: &TestApp, w: &World<'_>) {
    browser
        .goto(&app.url(&format!("/kiosk?station={}", w.token)))
        .await;
    browser.press("Start session").await;
    browser.wait_for_text("h1", "Privacy and consent").await;
    browser.tick("I understand and I agree").await;
    browser.press("Continue").await;
    browser.wait_for_text("h1", "About you").await;
    browser.tick("Female").await;
    browser.fill("Age in years", "34").await;
    browser.tick("No").await;
    browser.press("Continue").await;
    browser
        .wait_for_text("h1", "What do you need help with?")
        .await;
    browser.tick("Housing").await;
    browser.press("Continue").await;
    browser.wait_for_text("h1", "Services for you").await;
}

#[tokio::test]
async fn a_whole_session_books_and_prints_at_desktop_and_phone_size_and_finish_leaves_nothing() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    intake(&w).await;
    let slots = ["3 March 2026, 10:00 UTC", "3 March 2026, 10:30 UTC"];
    let printed = [
        "Tuesday 3 March 2026, 10:00 am UTC",
        "Tuesday 3 March 2026, 10:30 am UTC",
    ];
    for ((screen, slot), printed) in SCREENS.into_iter().zip(slots).zip(printed) {
        let browser = Browser::open().await;
        browser.resize(screen).await;
        to_listings(&browser, &app, &w).await;
        browser.tick(slot).await;
        browser.press("Book this time").await;
        browser.wait_for_text("main", "In your plan:").await;
        browser.press("Add to my plan").await;
        browser.wait_for_text("main", "In your plan.").await;
        check_page(&browser, "the listings with a plan").await;
        browser.follow("Continue").await;
        browser.wait_for_text("h1", "Check your plan").await;
        browser.resize(screen).await;
        check_page(&browser, "the review step").await;

        browser.press("Submit").await;
        browser.wait_for_text("#client_name-error", "name").await;
        check_page(&browser, "the review step with a field error").await;
        // The label's apostrophe cannot sit in the XPath that `fill` builds: find it by id.
        let label = browser.text("label[for=client_name]").await;
        assert_eq!(label, "Client's name");
        browser
            .client
            .find(fantoccini::Locator::Id("client_name"))
            .await
            .expect("the name field")
            .send_keys("Sam Citizen")
            .await
            .expect("type the name");
        browser.press("Submit").await;
        browser.wait_for_path("/kiosk/print").await;
        check_printed(&browser, printed).await;
        browser.resize(screen).await;
        check_page(&browser, "the print page").await;

        browser.press("Finish").await;
        browser.wait_for_text("h1", "Welcome").await;
        back_shows_nothing(&browser).await;
        browser.close().await;
    }
}

#[tokio::test]
async fn a_whole_session_works_with_the_keyboard_alone() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    intake(&w).await;
    let browser = Browser::open().await;
    browser
        .goto(&app.url(&format!("/kiosk?station={}", w.token)))
        .await;
    browser.tab_and_enter("Start session").await;
    browser.wait_for_text("h1", "Privacy and consent").await;
    browser.tab_and_space("I understand and I agree").await;
    browser.tab_and_enter("Continue").await;
    browser.wait_for_text("h1", "About you").await;
    // A radio group is one Tab stop; Space chooses its first answer, with no arrow keys.
    browser.tab_and_space("Female").await;
    browser.tab_to("Age in years").await;
    browser.keys("34").await;
    browser
        .tab_and_space("Yes, Aboriginal or Torres Strait Islander")
        .await;
    browser.tab_and_enter("Continue").await;
    browser
        .wait_for_text("h1", "What do you need help with?")
        .await;
    browser.tab_and_space("Housing").await;
    browser.tab_and_enter("Continue").await;
    browser.wait_for_text("h1", "Services for you").await;
    browser.tab_and_space("3 March 2026, 10:00 UTC").await;
    browser.tab_and_enter("Book this time").await;
    browser.wait_for_text("main", "In your plan:").await;
    browser.tab_and_enter("Add to my plan").await;
    browser.wait_for_text("main", "In your plan.").await;
    browser.tab_and_enter("Continue").await;
    browser.wait_for_text("h1", "Check your plan").await;
    browser.tab_to("Client's name").await;
    browser.keys("Sam Citizen").await;
    browser.tab_and_enter("Submit").await;
    browser.wait_for_path("/kiosk/print").await;
    check_printed(&browser, "Tuesday 3 March 2026, 10:00 am UTC").await;
    browser.tab_and_enter("Finish").await;
    browser.wait_for_text("h1", "Welcome").await;
    back_shows_nothing(&browser).await;
    browser.close().await;
}

#[tokio::test]
async fn terminate_from_the_review_frees_the_time_and_back_shows_nothing() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    intake(&w).await;
    let browser = Browser::open().await;
    to_listings(&browser, &app, &w).await;
    browser.tick("3 March 2026, 10:00 UTC").await;
    browser.press("Book this time").await;
    browser.wait_for_text("main", "In your plan:").await;
    browser.press("Add to my plan").await;
    browser.wait_for_text("main", "In your plan.").await;
    browser.follow("Continue").await;
    browser.wait_for_text("h1", "Check your plan").await;
    browser.follow("Terminate session").await;
    browser.wait_for_text("h1", "Terminate this session?").await;
    browser.press("Yes, terminate the session").await;
    browser.wait_for_text("h1", "Welcome").await;
    back_shows_nothing(&browser).await;
    browser.close().await;
}

/// Moves the page's clock forward by `minutes` from now on (the script reads `Date.now`).
async fn shift_clock(browser: &Browser, minutes: u32) {
    let script = "if (!window.realNow) { window.realNow = Date.now.bind(Date); window.shift = 0; \
        Date.now = function () { return window.realNow() + window.shift; }; } \
        window.shift = arguments[0] * 60000;";
    browser
        .client
        .execute(script, vec![Value::from(minutes)])
        .await
        .expect("shift the clock");
}

async fn focused_is_in_dialog(browser: &Browser) -> bool {
    let script = "return !!document.activeElement.closest('dialog[open]');";
    browser.client.execute(script, vec![]).await.expect("focus") == Value::Bool(true)
}

#[tokio::test]
async fn the_idle_warning_takes_the_focus_continue_keeps_the_session_and_30_minutes_end_it() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let browser = Browser::open().await;
    browser
        .goto(&app.url(&format!("/kiosk?station={}", w.token)))
        .await;
    browser.press("Start session").await;
    browser.wait_for_text("h1", "Privacy and consent").await;
    let timer = browser.wait_for_text(".kiosk-timer", "Time 00:").await;
    assert!(timer.starts_with("Time 00:0"), "{timer}");

    browser.tick("I understand and I agree").await;
    shift_clock(&browser, 26).await;
    browser
        .wait_for_text("dialog[open]", "this session will end in 5 minutes")
        .await;
    assert!(focused_is_in_dialog(&browser).await, "focus moves to it");
    check_page(&browser, "the idle warning").await;
    browser.press("Continue").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open = browser
        .client
        .execute(
            "return document.querySelector('dialog[open]') !== null;",
            vec![],
        )
        .await
        .expect("dialog state");
    assert_eq!(open, Value::Bool(false), "Continue closes it");
    assert_eq!(
        browser.focused().await,
        "I understand and I agree",
        "focus returns"
    );

    shift_clock(&browser, 26 + 31).await;
    browser
        .wait_for_text("main", "The session timed out.")
        .await;
    browser.close().await;
}
