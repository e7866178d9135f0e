//! Step 4 stays light with a big directory (issue 11): pages of 20 listings with the fallback
//! provider's last, six free times a booking listing with "More times" for one listing, a query
//! that does not make sense still answers the page, and 300 listings of 20 free times each weigh
//! less than 30,000 bytes.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::kiosk_fixtures::{category, listing, world};
use crate::kiosk_pages::Kiosk;
use crate::slot_fixtures::add_slots;
use serde_json::{Value, json};

/// A booking listing of the provider in the category, with `count` free half-hour times.
async fn booking(admin: &Api<'_>, provider: &str, cat: &str, name: &str, count: u32) -> String {
    let body = json!({ "kind": "booking", "name": name, "category_ids": [cat] });
    let id = listing(admin, provider, body).await;
    let slots =
        json!({ "starts_at": "2026-03-03T08:00:00Z", "duration_minutes": 30, "count": count });
    add_slots(admin, &id, slots).await;
    id
}

fn radios(body: &str) -> usize {
    body.matches(r#"type="radio""#).count()
}

/// The part of the page that is this listing's card.
fn card<'b>(body: &'b str, id: &str) -> &'b str {
    let start = body
        .find(&format!(r#"id="listing-{id}""#))
        .unwrap_or_else(|| panic!("card {id} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</li>").expect("end of card")]
}

#[tokio::test]
async fn a_booking_listing_shows_six_times_and_more_times_shows_more_of_that_listing_only() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let provider = w.admin.create_provider("Eastside").await;
    let intake = booking(&w.admin, &provider, &w.housing, "Intake", 45).await;
    let legal = booking(&w.admin, &provider, &w.housing, "Legal advice", 10).await;
    let few = booking(&w.admin, &provider, &w.housing, "Budgeting", 3).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;

    let (status, body) = kiosk.page("/kiosk/listings").await;
    assert_eq!(status, 200);
    assert_eq!(radios(card(&body, &intake)), 6, "{body}");
    assert_eq!(radios(card(&body, &legal)), 6, "{body}");
    assert_eq!(radios(card(&body, &few)), 3, "{body}");
    assert!(
        card(&body, &intake).contains("3 March 2026, 08:00 UTC"),
        "{body}"
    );
    let more = format!(
        r#"href="/kiosk/listings?times={intake}#listing-{intake}">More times for Intake</a>"#
    );
    assert!(card(&body, &intake).contains(&more), "{body}");
    assert!(
        !card(&body, &few).contains("More times"),
        "all three shown: {body}"
    );

    let (status, body) = kiosk.page(&format!("/kiosk/listings?times={intake}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        radios(card(&body, &intake)),
        40,
        "up to 40 for the one: {body}"
    );
    assert!(!card(&body, &intake).contains("More times"), "{body}");
    assert_eq!(
        radios(card(&body, &legal)),
        6,
        "the others stay at six: {body}"
    );
    assert!(
        card(&body, &legal).contains("More times for Legal advice"),
        "{body}"
    );
}

/// The 45 listings: 41 of the world's own provider kind in Housing and 4 of the fallback's.
async fn forty_five(app: &TestApp) -> (crate::kiosk_fixtures::World<'_>, Vec<String>) {
    let w = world(app).await;
    let (_, helpline) = w
        .admin
        .get(&format!("/api/v1/listings/{}", w.helpline))
        .await;
    let fallback = helpline["provider_id"]
        .as_str()
        .expect("provider")
        .to_owned();
    let provider = w.admin.create_provider("Westside").await;
    let info =
        |name: String| json!({ "kind": "information", "name": name, "category_ids": [&w.housing] });
    // The world has Shelter and the fallback's Helpline in Housing for this client already.
    for n in 0..40 {
        listing(&w.admin, &provider, info(format!("Service {n:02}"))).await;
    }
    let mut fallbacks = vec![w.helpline.clone()];
    for n in 0..3 {
        fallbacks.push(listing(&w.admin, &fallback, info(format!("Everyone {n}"))).await);
    }
    (w, fallbacks)
}

#[tokio::test]
async fn forty_five_listings_come_in_pages_of_twenty_twenty_and_five_with_the_fallback_last() {
    let app = TestApp::spawn().await;
    let (w, fallbacks) = forty_five(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;

    let cards = |body: &str| body.matches(r#"<li class="kiosk-listing""#).count();
    let (_, first) = kiosk.page("/kiosk/listings").await;
    assert_eq!(cards(&first), 20, "{first}");
    assert!(first.contains("Showing 1–20 of 45 services."), "{first}");
    assert!(
        first.contains(r#"href="/kiosk/listings?page=2">More services</a>"#),
        "{first}"
    );
    assert!(!first.contains("Previous services"), "{first}");
    let (_, second) = kiosk.page("/kiosk/listings?page=2").await;
    assert_eq!(cards(&second), 20, "{second}");
    assert!(second.contains("Showing 21–40 of 45 services."), "{second}");
    assert!(
        second.contains(r#"href="/kiosk/listings">Previous services</a>"#),
        "{second}"
    );
    assert!(
        second.contains(r#"href="/kiosk/listings?page=3">More services</a>"#),
        "{second}"
    );
    let (_, third) = kiosk.page("/kiosk/listings?page=3").await;
    assert_eq!(cards(&third), 5, "{third}");
    assert!(third.contains("Showing 41–45 of 45 services."), "{third}");
    assert!(!third.contains("More services"), "{third}");
    for page in [&first, &second] {
        assert!(!page.contains("Help for everyone"), "{page}");
        assert!(
            fallbacks.iter().all(|f| !page.contains(f.as_str())),
            "{page}"
        );
    }
    let heading = third.find("<h2>Help for everyone</h2>").expect("heading");
    for f in &fallbacks {
        let at = third
            .find(&format!(r#"id="listing-{f}""#))
            .expect("fallback on page 3");
        assert!(at > heading, "after the heading: {third}");
    }

    // Added from page 3, the client is back on page 3 with it in the plan.
    let form = [("listing_id", fallbacks[1].as_str()), ("page", "3")];
    let added = kiosk.post("/kiosk/selections", &form).await;
    assert_eq!(added, (303, "/kiosk/listings?page=3".to_owned()));
    let (_, third) = kiosk.page("/kiosk/listings?page=3").await;
    let chosen = card(&third, &fallbacks[1]);
    assert!(chosen.contains("In your plan"), "{third}");
    assert!(
        chosen.contains(r#"<input type="hidden" name="page" value="3">"#),
        "{chosen}"
    );

    // Removed from page 3, it is out of the plan and the client is still on page 3.
    let form = [
        ("listing_id", fallbacks[1].as_str()),
        ("from", "listings"),
        ("page", "3"),
    ];
    let removed = kiosk.post("/kiosk/remove", &form).await;
    assert_eq!(removed, (303, "/kiosk/listings?page=3".to_owned()));
    let (_, third) = kiosk.page("/kiosk/listings?page=3").await;
    assert!(
        !card(&third, &fallbacks[1]).contains("In your plan"),
        "{third}"
    );
}

#[tokio::test]
async fn a_page_or_times_that_makes_no_sense_still_answers_the_page() {
    let app = TestApp::spawn().await;
    let (w, fallbacks) = forty_five(&app).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    kiosk.at_listings(&w.housing).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let queries = [
        "page=abc",
        "page=0",
        "page=-1",
        "page=2.5",
        "page=",
        "page=99999999999999999999999",
        "times=abc",
        "times=",
        "page=x&times=y",
        "times=%FF",
    ];
    let unknown_times = format!("times={unknown}");
    for query in queries.iter().copied().chain([unknown_times.as_str()]) {
        let response = kiosk.get(&format!("/kiosk/listings?{query}")).await;
        assert_eq!(response.status(), 200, "{query}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/html"), "{query}: {kind}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("Showing 1–20 of 45 services."),
            "{query}: {body}"
        );
    }
    // One past the last page is the last page; the times of a listing open its page.
    let (_, past) = kiosk.page("/kiosk/listings?page=7").await;
    assert!(past.contains("Showing 41–45 of 45 services."), "{past}");
    let (_, its) = kiosk
        .page(&format!("/kiosk/listings?times={}", fallbacks[2]))
        .await;
    assert!(its.contains("Showing 41–45 of 45 services."), "{its}");
}

#[tokio::test]
async fn three_hundred_listings_of_twenty_free_times_weigh_less_than_30000_bytes() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let big = category(&w.admin, "Big directory").await;
    let provider = w.admin.create_provider("Bench Services").await;
    for n in 0..300 {
        booking(
            &w.admin,
            &provider,
            &big,
            &format!("Bench listing {n:03}"),
            20,
        )
        .await;
    }
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    let id = kiosk.at_listings(&big).await;
    let shown: Value = kiosk
        .api("GET", &format!("/api/v1/kiosk/sessions/{id}/listings"))
        .await;
    let items = shown["items"].as_array().expect("items");
    assert_eq!(items.len(), 300, "the API shows all");
    assert_eq!(items[0]["free_slots"].as_array().unwrap().len(), 20);

    let (status, body) = kiosk.page("/kiosk/listings").await;
    assert_eq!(status, 200);
    assert!(body.contains("Showing 1–20 of 300 services."), "{body}");
    assert_eq!(radios(&body), 20 * 6, "{body}");
    assert!(body.len() < 30_000, "{} bytes", body.len());
}
