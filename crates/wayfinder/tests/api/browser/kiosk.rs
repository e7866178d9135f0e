//! The kiosk's pages in a real browser: the walk from the welcome screen to the listings, each
//! page checked with axe at desktop and phone width.

use super::axe::check_page;
use super::driver::Browser;
use crate::helpers::TestApp;
use crate::kiosk_fixtures::world;

#[tokio::test]
async fn the_kiosk_pages_from_welcome_to_listings_pass_axe_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let browser = Browser::open().await;
    browser
        .goto(&app.url(&format!("/kiosk?station={}", w.token)))
        .await;
    browser.wait_for_text("h1", "Welcome").await;
    check_page(&browser, "the kiosk's welcome").await;

    browser.press("Start session").await;
    browser.wait_for_text("h1", "Privacy and consent").await;
    check_page(&browser, "the kiosk's consent step").await;
    browser.tick("I understand and I agree").await;
    browser.press("Continue").await;

    browser.wait_for_text("h1", "About you").await;
    check_page(&browser, "the kiosk's demographics step").await;
    browser.tick("Female").await;
    browser.fill("Age in years", "34").await;
    browser.tick("No").await;
    browser.press("Continue").await;

    browser
        .wait_for_text("h1", "What do you need help with?")
        .await;
    check_page(&browser, "the kiosk's categories step").await;
    browser.tick("Housing").await;
    browser.press("Continue").await;

    browser.wait_for_text("h1", "Services for you").await;
    check_page(&browser, "the kiosk's listings step").await;
    browser.follow("Terminate session").await;
    browser.wait_for_text("h1", "Terminate this session?").await;
    check_page(&browser, "the kiosk's terminate confirmation").await;
    browser.press("Yes, terminate the session").await;
    browser.wait_for_text("h1", "Welcome").await;
    browser.close().await;
}
