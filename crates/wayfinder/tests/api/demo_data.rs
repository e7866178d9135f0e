//! `wayfinder demo` makes its listings and slots through the services, so they obey every rule.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;

#[tokio::test]
async fn the_demo_gives_every_booking_listing_four_weeks_of_weekday_slots_through_the_services() {
    let app = TestApp::spawn().await;
    wayfinder::demo::run(&app.state, 20, 0, 7).await.unwrap();
    let admin = Api::sign_in(&app, "checker@example.org", Role::Admin).await;

    let (_, providers) = admin.get("/api/v1/providers").await;
    let mut booking_listings = 0;
    for provider in providers["items"].as_array().unwrap() {
        let id = provider["id"].as_str().unwrap();
        let (_, listings) = admin
            .get(&format!("/api/v1/providers/{id}/listings?kind=booking"))
            .await;
        for listing in listings["items"].as_array().unwrap() {
            booking_listings += 1;
            assert!(!listing["category_ids"].as_array().unwrap().is_empty());
            let lid = listing["id"].as_str().unwrap();
            let (_, slots) = admin.get(&format!("/api/v1/listings/{lid}/slots")).await;
            assert_eq!(slots["total"], 80, "4 a day on the 20 weekdays of 4 weeks");
        }
    }
    let (_, created) = admin.get("/api/v1/audit?action=listing.created").await;

    assert_eq!(booking_listings, 12);
    assert_eq!(
        created["total"], 36,
        "every listing made by the service, audited"
    );
}

#[tokio::test]
async fn the_demos_provider_names_do_not_say_which_is_the_fallback_the_setting_does() {
    let app = TestApp::spawn().await;
    wayfinder::demo::run(&app.state, 0, 0, 7).await.unwrap();
    let admin = Api::sign_in(&app, "checker@example.org", Role::Admin).await;

    let (_, providers) = admin.get("/api/v1/providers").await;
    let providers = providers["items"].as_array().unwrap();
    for provider in providers {
        let name = provider["name"].as_str().unwrap().to_lowercase();
        assert!(
            !name.contains("fallback") && !name.contains("default"),
            "{name}"
        );
    }
    let fallbacks: Vec<_> = providers
        .iter()
        .filter(|p| p["is_fallback"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(fallbacks, ["Community Link"], "the fallback is a setting");
}
