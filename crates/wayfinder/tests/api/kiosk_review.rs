//! Step 5 and around it through the kiosk pages: the plan reviewed with Remove, the client's
//! name asked for only with a booking, "Step N of 5" on every step, consent kept on Back,
//! categories without listings left out, the idle keep-alive, and an ended session's pages.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{Kiosk as KioskApi, World, category, listing, world};
use crate::kiosk_pages::Kiosk;
use crate::slot_fixtures::add_slots;
use serde_json::json;

/// A booking listing "Intake" of a provider with a full profile, in Housing, with two free
/// times on 3 March 2026 at 10:00 and 10:30 UTC; its id and the times' ids.
pub(crate) async fn intake(w: &World<'_>) -> (String, Vec<String>) {
    let profile = json!({ "name": "Eastside Legal", "phone": "02 5550 0100",
        "address": "1 Harbour Street, Sydney", "booking_email": "book@eastside.example.org" });
    let (status, provider) = w.admin.post("/api/v1/providers", profile).await;
    assert_eq!(status, 201, "{provider}");
    let body = json!({ "kind": "booking", "name": "Intake", "category_ids": [&w.housing],
        "eligibility_notes": "Bring your release papers." });
    let intake = listing(&w.admin, provider["id"].as_str().unwrap(), body).await;
    let slots = json!({ "starts_at": "2026-03-03T10:00:00Z", "duration_minutes": 30, "count": 2 });
    let times = add_slots(&w.admin, &intake, slots).await;
    (intake, times)
}

/// A kiosk at step 4 whose plan holds the first Intake time and the Shelter listing.
pub(crate) async fn with_plan(app: &TestApp, w: &World<'_>, intake: &str, time: &str) -> Kiosk {
    let kiosk = Kiosk::open(app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;
    let booked = kiosk
        .post(
            "/kiosk/selections",
            &[("listing_id", intake), ("slot_id", time)],
        )
        .await;
    assert_eq!(booked, (303, "/kiosk/listings".to_owned()));
    let added = kiosk
        .post("/kiosk/selections", &[("listing_id", &w.shelter)])
        .await;
    assert_eq!(added, (303, "/kiosk/listings".to_owned()));
    kiosk
}

#[tokio::test]
async fn the_review_shows_the_plan_and_remove_takes_items_out_from_either_page() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (intake, times) = intake(&w).await;
    let kiosk = with_plan(&app, &w, &intake, &times[0]).await;

    let (status, body) = kiosk.page("/kiosk/review").await;
    assert_eq!(status, 200);
    assert!(body.contains("Step 5 of 5: Review &amp; Submit"), "{body}");
    for text in [
        "Intake",
        "Eastside Legal",
        "Tuesday 3 March 2026, 10:00 am UTC",
        "Shelter",
        "Northside Services",
        r#"<label for="client_name">Client's name</label>"#,
        "Only the service you booked will see it.",
        r#"href="/kiosk/listings">Back"#,
    ] {
        assert!(body.contains(text), "{text} in {body}");
    }

    let from_listings = [("listing_id", w.shelter.as_str()), ("from", "listings")];
    assert_eq!(
        kiosk.post("/kiosk/remove", &from_listings).await,
        (303, "/kiosk/listings".to_owned())
    );
    let (_, body) = kiosk.page("/kiosk/listings").await;
    assert!(
        body.contains(r#"<input type="hidden" name="from" value="listings">"#),
        "the booking still has its Remove there: {body}"
    );
    assert_eq!(
        kiosk
            .post("/kiosk/remove", &[("listing_id", &intake)])
            .await,
        (303, "/kiosk/review".to_owned())
    );
    let (_, body) = kiosk.page("/kiosk/review").await;
    assert!(body.contains("Your plan is empty."), "{body}");
    assert!(!body.contains("client_name"), "no booking, no name: {body}");

    // The time removed is free again for another kiosk.
    let other = Kiosk::open(&app, w.token.clone()).await;
    other.at_listings(&w.housing).await;
    let (_, body) = other.page("/kiosk/listings").await;
    assert!(body.contains(&format!(r#"value="{}""#, times[0])), "{body}");
}

#[tokio::test]
async fn the_name_is_asked_for_only_when_the_plan_holds_a_booking() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;
    kiosk
        .post("/kiosk/selections", &[("listing_id", &w.shelter)])
        .await;

    let (status, body) = kiosk.page("/kiosk/review").await;
    assert_eq!(status, 200);
    assert!(body.contains("Shelter"), "{body}");
    assert!(!body.contains("Client's name"), "{body}");
    assert!(!body.contains("Your plan is empty."), "{body}");
}

#[tokio::test]
async fn every_step_says_which_of_five_it_is_and_back_to_consent_keeps_the_tick() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;
    for (path, step) in [
        ("/kiosk/consent", "Step 1 of 5: Privacy &amp; Consent"),
        ("/kiosk/demographics", "Step 2 of 5: Client Demographics"),
        ("/kiosk/categories", "Step 3 of 5: Category Selection"),
        ("/kiosk/listings", "Step 4 of 5: Service Listings"),
        ("/kiosk/review", "Step 5 of 5: Review &amp; Submit"),
    ] {
        let (status, body) = kiosk.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(step), "{step} on {path}: {body}");
        assert!(
            body.contains(r#"<script src="/static/kiosk.js" defer></script>"#),
            "{path}"
        );
    }
    let (_, body) = kiosk.page("/kiosk/consent").await;
    assert!(
        body.contains(r#"name="consent" value="yes" checked"#),
        "{body}"
    );
    let (_, body) = kiosk.page("/kiosk/listings").await;
    assert!(body.contains(r#"href="/kiosk/review">Continue"#), "{body}");
}

#[tokio::test]
async fn categories_without_listings_are_left_out_of_the_page_and_the_api() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    category(&w.admin, "Transport").await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.start().await;
    kiosk.post("/kiosk/consent", &[("consent", "yes")]).await;
    let answers = [
        ("gender", "male"),
        ("age", "30"),
        ("indigenous_status", "non_indigenous"),
    ];
    kiosk.post("/kiosk/demographics", &answers).await;

    let (status, body) = kiosk.page("/kiosk/categories").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Housing") && body.contains("Health"),
        "{body}"
    );
    assert!(!body.contains("Transport"), "{body}");
    let (status, api) = KioskApi::new(&app, &w.token).get("/categories").await;
    assert_eq!(status, 200);
    let names: Vec<_> = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Health", "Housing"]);
}

#[tokio::test]
async fn keep_alive_counts_as_activity_and_says_404_once_the_session_has_ended() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    let id = kiosk.start().await;
    app.clock.advance(time::Duration::minutes(25));
    assert_eq!(kiosk.post("/kiosk/keep-alive", &[]).await.0, 204);
    app.clock.advance(time::Duration::minutes(25));
    let ended = wayfinder::service::kiosk::flow::abandon_idle(&app.state)
        .await
        .unwrap();
    assert_eq!(ended, 0, "50 minutes old, 25 of them idle: still going");
    assert_eq!(kiosk.session(&id).await["outcome"], json!(null));

    app.clock.advance(time::Duration::minutes(6));
    wayfinder::service::kiosk::flow::abandon_idle(&app.state)
        .await
        .unwrap();
    assert_eq!(kiosk.session(&id).await["outcome"], "abandoned");
    assert_eq!(kiosk.post("/kiosk/keep-alive", &[]).await.0, 404);
}

#[tokio::test]
async fn an_ended_sessions_pages_show_the_welcome_and_say_when_it_timed_out() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let (intake, times) = intake(&w).await;
    let kiosk = with_plan(&app, &w, &intake, &times[0]).await;
    app.clock.advance(time::Duration::minutes(31));
    wayfinder::service::kiosk::flow::abandon_idle(&app.state)
        .await
        .unwrap();

    let (status, body) = kiosk.page("/kiosk/review").await;
    assert_eq!(status, 200);
    assert!(body.contains("The session timed out."), "{body}");
    assert!(body.contains("Start session"), "{body}");
    for gone in ["Intake", "Shelter", "Eastside"] {
        assert!(!body.contains(gone), "{gone} in {body}");
    }
    // The welcome forgot the cookie: every page after it is a plain welcome.
    for path in [
        "/kiosk/consent",
        "/kiosk/demographics",
        "/kiosk/categories",
        "/kiosk/listings",
        "/kiosk/review",
        "/kiosk/print",
    ] {
        let (status, body) = kiosk.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("Start session"), "{path}: {body}");
        assert!(!body.contains("Intake"), "{path}: {body}");
    }
    let (_, body) = kiosk.page("/kiosk?timed_out=1").await;
    assert!(body.contains("The session timed out."), "{body}");
}
