//! An administrator's stations journey in a real browser (SPEC §8.2): Add Station shows the
//! link with a working copy button, Replace link, and Revoke behind its confirmation; axe-core
//! on every stations page at desktop and phone width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::TestApp;
use domain::Role;

#[tokio::test]
async fn an_admin_adds_relinks_and_revokes_a_station_and_every_stations_page_passes_axe() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "ann@example.org").await;

    browser.follow("Stations").await;
    browser.wait_for_text("h1", "Stations").await;
    check_page(&browser, "the empty Stations list").await;
    browser.follow("Add Station").await;
    browser.wait_for_text("h1", "Add Station").await;
    check_page(&browser, "the Add Station form").await;
    browser.press("Add Station").await;
    browser
        .wait_for_text(".error-summary", "There is a problem")
        .await;
    check_page(&browser, "the Add Station form with errors").await;
    browser.fill("Name", "Unit 4 library").await;
    browser.press("Add Station").await;

    browser
        .wait_for_text("h1", "Unit 4 library was added")
        .await;
    let link = browser.text("#station-link").await;
    assert!(link.starts_with(&format!("{}/kiosk?station=", app.state.config.base_url)));
    // The script shows the copy button; the link stays plain text for those without it.
    browser.press("Copy link").await;
    check_page(&browser, "the station link page").await;
    browser.follow("Back to Stations").await;
    browser.wait_for_text("h1", "Stations").await;
    check_page(&browser, "the Stations list").await;

    browser.press("Replace link of Unit 4 library").await;
    browser
        .wait_for_text("h1", "New link for Unit 4 library")
        .await;
    assert_ne!(browser.text("#station-link").await, link);
    browser.follow("Back to Stations").await;
    browser.follow("Revoke Unit 4 library").await;
    browser.wait_for_text("h1", "Revoke Unit 4 library?").await;
    check_page(&browser, "the Revoke confirmation").await;
    browser.press("Revoke station").await;
    browser
        .wait_for_text("p.notice", "Unit 4 library was revoked.")
        .await;
    check_page(&browser, "the Stations list with a revoked station").await;
    browser.close().await;
}

#[tokio::test]
async fn the_kiosk_not_set_up_page_passes_axe_and_names_the_administrators() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("ann@example.org", Role::Admin).await;
    let base = crate::station_link::serve_with_kiosk(&app).await;
    let browser = Browser::open().await;
    browser.goto(&format!("{base}/kiosk")).await;
    browser
        .wait_for_text("h1", "This kiosk is not set up")
        .await;
    assert_eq!(browser.texts("main li").await, [admin.full_name()]);
    check_page(&browser, "the kiosk's not-set-up page").await;
    browser.close().await;
}
