//! A provider member's listings journey in a real browser (SPEC §8.1): a booking listing in two
//! categories made through the New Listing form, seen on the Booking Listings tab, and the
//! axe-core check of the listings tabs, the listing form and the delete confirmation at desktop
//! and phone width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::TestApp;
use domain::Role;
use domain::Viewer;
use wayfinder::service::categories::{self, CategoryInput};
use wayfinder::service::providers::{self, ProviderInput};
use wayfinder::service::users::{self, NewUser};

#[tokio::test]
async fn a_member_creates_a_booking_listing_in_two_categories_and_every_listing_page_passes_axe() {
    let app = TestApp::spawn().await;
    let provider = providers::create(
        &app.state,
        &Viewer::cli(),
        &ProviderInput {
            name: Some("Harbour Housing".into()),
            ..ProviderInput::default()
        },
    )
    .await
    .expect("a provider");
    for (name, colour) in [("Housing", "#1f5fa8"), ("Food", "#8a5a00")] {
        let input = CategoryInput {
            name: Some(name.into()),
            colour: Some(colour.into()),
        };
        categories::create(&app.state, &Viewer::cli(), &input)
            .await
            .expect("a category");
    }
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
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "uma@example.org").await;

    browser
        .goto(&app.url(&format!("/providers/{}", provider.id)))
        .await;
    browser.follow("Booking Listings").await;
    browser.wait_for_text("h2", "Booking Listings").await;
    check_page(&browser, "the empty Booking Listings tab").await;
    browser.follow("New Listing").await;
    browser.wait_for_text("h1", "New Booking Listing").await;
    check_page(&browser, "the New Booking Listing form").await;
    browser.fill("Name", "Intake interview").await;
    browser.press("Create Listing").await;
    browser
        .wait_for_text(".error-summary", "There is a problem")
        .await;
    assert_eq!(
        browser.text("#category_ids-error").await,
        "Choose at least one category."
    );
    check_page(&browser, "the listing form with errors").await;
    browser.tick("Housing").await;
    browser.tick("Food").await;
    browser.tick("Male").await;
    browser.fill("Minimum age", "18").await;
    browser.fill("Maximum age", "25").await;
    browser.press("Create Listing").await;

    browser
        .wait_for_path(&format!("/providers/{}/listings/booking", provider.id))
        .await;
    let card = browser.text("li.card").await;
    assert!(card.contains("Intake interview"), "{card}");
    assert!(card.contains("Food") && card.contains("Housing"), "{card}");
    assert!(card.contains("Men only · Ages 18–25"), "{card}");
    check_page(&browser, "the Booking Listings tab").await;
    browser.follow("Information Listings").await;
    browser.wait_for_text("h2", "Information Listings").await;
    check_page(&browser, "the Information Listings tab").await;
    browser
        .goto(&app.url(&format!("/providers/{}/listings/booking", provider.id)))
        .await;
    browser.follow("Edit Intake interview").await;
    browser.wait_for_text("h1", "Edit booking listing").await;
    check_page(&browser, "the edit listing form").await;
    browser
        .goto(&app.url(&format!("/providers/{}/listings/booking", provider.id)))
        .await;
    browser.follow("Delete Intake interview").await;
    browser
        .wait_for_text("h1", "Delete Intake interview?")
        .await;
    check_page(&browser, "the delete listing confirmation").await;
    browser.close().await;
}
