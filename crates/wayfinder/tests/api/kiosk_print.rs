//! Submit and the print page through the kiosk pages: the name asked for with a booking, the
//! printed plan (never the name) on that session's browser for 15 minutes, Finish, and an empty
//! plan that just ends the session.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::world;
use crate::kiosk_pages::Kiosk;
use crate::kiosk_review::{intake, with_plan};
use serde_json::json;

const WELCOME: &str = "Start session";

/// The booking reference the print page shows.
fn reference(body: &str) -> &str {
    let start = body
        .find(r#"<dd class="print-reference">"#)
        .unwrap_or_else(|| panic!("a booking reference in {body}"));
    let rest = &body[start + r#"<dd class="print-reference">"#.len()..];
    &rest[..rest.find('<').unwrap()]
}

#[tokio::test]
async fn a_submitted_plan_prints_without_the_name_for_15_minutes_and_for_that_session_only() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (intake, times) = intake(&w).await;
    let kiosk = with_plan(&app, &w, &intake, &times[0]).await;

    let (status, body) = kiosk.post("/kiosk/review", &[("client_name", " ")]).await;
    assert_eq!(status, 422);
    assert!(
        body.contains(r#"id="client_name-error""#) && body.contains(r#"aria-invalid="true""#),
        "{body}"
    );
    assert_eq!(
        kiosk
            .post("/kiosk/review", &[("client_name", "Sam Citizen")])
            .await,
        (303, "/kiosk/print".to_owned())
    );

    let (status, body) = kiosk.page("/kiosk/print").await;
    assert_eq!(status, 200);
    for fact in [
        "<h1>Your plan</h1>",
        "Monday 2 March 2026",
        "Intake",
        "Eastside Legal",
        "Tuesday 3 March 2026, 10:00 am UTC",
        "30 minutes",
        "1 Harbour Street, Sydney",
        "02 5550 0100",
        "Bring your release papers.",
        "Shelter",
        "Northside Services",
        "131 450",
        "data-print hidden>Print</button>",
        "use your browser's Print command",
        "Finish",
        r#"data-closes-in="900""#,
    ] {
        assert!(body.contains(fact), "{fact} in {body}");
    }
    assert!(!reference(&body).trim().is_empty(), "{body}");
    assert!(!body.contains("Sam Citizen"), "no name on the print page");
    assert!(!body.contains("Terminate session"), "the session is over");

    let other = Kiosk::open(&app, w.token.clone()).await;
    let (_, body) = other.page("/kiosk/print").await;
    assert!(body.contains(WELCOME) && !body.contains("Intake"), "{body}");

    app.clock.advance(time::Duration::minutes(14));
    let (_, body) = kiosk.page("/kiosk/print").await;
    assert!(body.contains("Intake"), "still there at 14 minutes: {body}");
    assert!(body.contains(r#"data-closes-in="60""#), "{body}");
    app.clock.advance(time::Duration::minutes(2));
    let (status, body) = kiosk.page("/kiosk/print").await;
    assert_eq!(status, 200);
    assert!(body.contains(WELCOME) && !body.contains("Intake"), "{body}");
}

#[tokio::test]
async fn finish_ends_the_print_page_for_good() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (intake, times) = intake(&w).await;
    let kiosk = with_plan(&app, &w, &intake, &times[0]).await;
    kiosk
        .post("/kiosk/review", &[("client_name", "Sam Citizen")])
        .await;

    let finished = kiosk.post_response("/kiosk/finish", &[]).await;
    assert_eq!(finished.status(), 303);
    assert_eq!(finished.headers()["location"], "/kiosk");
    // The browser also drops what it cached or stored for the kiosk's pages.
    assert_eq!(
        finished.headers()["clear-site-data"],
        "\"cache\", \"storage\""
    );
    for path in ["/kiosk/print", "/kiosk/review", "/kiosk/listings"] {
        let (status, body) = kiosk.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(WELCOME), "{path}: {body}");
        for gone in ["Intake", "Eastside", "Shelter"] {
            assert!(!body.contains(gone), "{gone} on {path}: {body}");
        }
    }
}

#[tokio::test]
async fn an_empty_plan_is_submitted_by_just_ending_the_session() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    let id = kiosk.at_listings(&w.housing).await;
    let (_, body) = kiosk.page("/kiosk/review").await;
    assert!(body.contains("Your plan is empty."), "{body}");
    assert!(!body.contains("client_name"), "{body}");

    assert_eq!(
        kiosk.post("/kiosk/review", &[]).await,
        (303, "/kiosk".to_owned())
    );
    let session = kiosk.session(&id).await;
    assert_eq!(
        (&session["outcome"], &session["step"]),
        (&json!("completed"), &json!("ended"))
    );
    let (_, body) = kiosk.page("/kiosk/print").await;
    assert!(body.contains(WELCOME), "{body}");
}

/// Another session takes the slot as though the plan's hold had lapsed (the store is told it is
/// 31 minutes later), without moving the app's clock or waking the sweep.
async fn lose_the_hold(app: &TestApp, token: &str, slot: &str) {
    use domain::audit::{Action, Actor, NewAuditEvent};
    let other = crate::kiosk_fixtures::Kiosk::new(app, token).start().await;
    let later = app.clock_now() + time::Duration::minutes(31);
    let mut tx = app.state.store.begin().await.unwrap();
    let held = tx
        .hold_slot(
            slot.parse().unwrap(),
            other.parse().unwrap(),
            later + time::Duration::minutes(30),
            later,
        )
        .await
        .unwrap();
    assert!(held.is_some(), "the lapsed hold is free to take");
    tx.commit(NewAuditEvent::new(later, Actor::Cli, Action::DemoLoaded))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_time_lost_before_submit_sends_the_client_back_to_choose_another() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (intake, times) = intake(&w).await;
    let kiosk = with_plan(&app, &w, &intake, &times[0]).await;
    lose_the_hold(&app, &w.token, &times[0]).await;

    let (status, body) = kiosk
        .post("/kiosk/review", &[("client_name", "Sam Citizen")])
        .await;
    assert_eq!(status, 409);
    assert!(body.contains("choose another time."), "{body}");
    assert!(body.contains("Step 4 of 5: Service Listings"), "{body}");
    assert!(
        !body.contains(&format!(r#"value="{}""#, times[0])),
        "{body}"
    );
    assert!(body.contains(&format!(r#"value="{}""#, times[1])), "{body}");
}
