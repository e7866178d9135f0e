//! Booking a time through the kiosk pages: the free times of a booking listing are offered,
//! a chosen one is in the plan, and a time another session took first says plainly to choose
//! another.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{listing, world};
use crate::kiosk_pages::Kiosk;
use crate::slot_fixtures::add_slots;
use serde_json::json;

#[tokio::test]
async fn a_free_time_is_booked_and_a_time_taken_first_says_to_choose_another() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let provider = w.admin.create_provider("Eastside").await;
    let body = json!({ "kind": "booking", "name": "Intake", "category_ids": [&w.housing] });
    let intake = listing(&w.admin, &provider, body).await;
    let slots = json!({ "starts_at": "2026-03-03T10:00:00Z", "duration_minutes": 30, "count": 2 });
    let times = add_slots(&w.admin, &intake, slots).await;

    let first = Kiosk::open(&app, w.token.clone()).await;
    let second = Kiosk::open(&app, w.token.clone()).await;
    let id = first.at_listings(&w.housing).await;
    second.at_listings(&w.housing).await;
    let (_, body) = second.page("/kiosk/listings").await;
    assert!(
        body.contains("3 March 2026, 10:00 UTC") && body.contains("3 March 2026, 10:30 UTC"),
        "{body}"
    );
    for slot in &times {
        assert!(body.contains(&format!(r#"value="{slot}""#)), "{body}");
    }

    let pick = |slot: &str| [("listing_id", intake.clone()), ("slot_id", slot.to_owned())];
    let form = pick(&times[0]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        first.post("/kiosk/selections", &form).await,
        (303, "/kiosk/listings".to_owned())
    );
    let session = first.session(&id).await;
    assert_eq!(
        session["selections"][0]["slot_id"],
        json!(times[0]),
        "{session}"
    );
    let (_, body) = first.page("/kiosk/listings").await;
    assert!(
        body.contains("In your plan: 3 March 2026, 10:00 UTC."),
        "{body}"
    );

    let (status, body) = second.post("/kiosk/selections", &form).await;
    assert_eq!(status, 409);
    assert!(body.contains("Please choose another time."), "{body}");
    assert!(
        !body.contains(&format!(r#"value="{}""#, times[0])),
        "no longer offered: {body}"
    );
    assert!(body.contains(&format!(r#"value="{}""#, times[1])), "{body}");
}
