//! The Stations section's pages (SPEC §8.2): Add Station shows the link once with the sentence
//! on where to open it, the list shows name, created, last used and status, Replace link shows
//! the new link once, and Revoke asks first.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::stations::token_of;
use domain::Role;

async fn post_form(admin: &Api<'_>, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut fields: Vec<(&str, &str)> = fields.to_vec();
    fields.push(("csrf_token", &admin.csrf));
    let response = admin
        .client
        .post(admin.app.url(path))
        .form(&fields)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.expect("body");
    (status, location.unwrap_or(body))
}

async fn live(app: &TestApp, token: &str) -> bool {
    let found = wayfinder::service::stations::live(&app.state, token).await;
    found.unwrap().is_some()
}

/// The station link on a link page.
fn link_on(app: &TestApp, page: &str) -> String {
    let start = page
        .find("<code id=\"station-link\"")
        .expect("the link is shown");
    let rest = &page[start..];
    let link = &rest[rest.find('>').unwrap() + 1..rest.find("</code>").unwrap()];
    token_of(app, link);
    link.to_owned()
}

#[tokio::test]
async fn add_station_shows_the_link_once_and_the_list_shows_it_without_the_link() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let home = admin.page("/").await;
    assert!(home.contains("href=\"/stations\""), "admins see Stations");
    let form = admin.page("/stations/new").await;
    assert!(form.contains("<label for=\"name\">Name</label>"));

    let (status, page) = post_form(&admin, "/stations", &[("name", "Unit 4 library")]).await;
    assert_eq!(status, 200, "{page}");
    let link = link_on(&app, &page);
    assert!(page.contains(
        "Open this link once in the browser of the kiosk computer. It then remembers the station."
    ));
    assert!(page.contains("data-copy=\"station-link\"") && page.contains("/static/copy-link.js"));

    let list = admin.page("/stations").await;
    assert!(list.contains("Unit 4 library") && list.contains("Never") && list.contains("Active"));
    let created = wayfinder::local_time::when(&app.state.config.timezone, app.clock_now());
    assert!(
        list.contains(&created),
        "created at {created}, in the site's zone"
    );
    assert!(!list.contains(&link), "the list never shows the link");

    // A station that was used shows when, in the site's zone.
    app.clock.advance(time::Duration::minutes(10));
    let token = token_of(&app, &link);
    let used = wayfinder::service::stations::live(&app.state, &token)
        .await
        .unwrap();
    assert!(used.is_some());
    let list = admin.page("/stations").await;
    let last = wayfinder::local_time::when(&app.state.config.timezone, app.clock_now());
    assert!(
        list.contains(&last) && !list.contains("Never"),
        "last used {last}"
    );
}

#[tokio::test]
async fn a_nameless_station_gets_the_form_again_with_the_message_at_the_field() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let (status, page) = post_form(&admin, "/stations", &[("name", " ")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"name-error\"") && page.contains("aria-invalid=\"true\""));
    assert!(!page.contains("station-link"));
}

#[tokio::test]
async fn replace_link_shows_a_new_link_once_and_revoke_asks_before_it_ends_the_station() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let (_, page) = post_form(&admin, "/stations", &[("name", "Unit 2")]).await;
    let old = token_of(&app, &link_on(&app, &page));
    let (_, list) = admin.get("/api/v1/stations").await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();

    let (status, page) = post_form(&admin, &format!("/stations/{id}/link"), &[]).await;
    assert_eq!(status, 200, "{page}");
    let new = token_of(&app, &link_on(&app, &page));
    assert!(page.contains("The old link no longer works."));
    assert_ne!(old, new);
    assert!(!live(&app, &old).await);
    assert!(live(&app, &new).await);

    let confirm = admin.page(&format!("/stations/{id}/revoke")).await;
    assert!(confirm.contains("Revoke Unit 2?") && confirm.contains("Revoke station"));
    assert!(live(&app, &new).await, "asking changes nothing");
    let (status, location) = post_form(&admin, &format!("/stations/{id}/revoke"), &[]).await;
    assert_eq!((status, location.as_str()), (303, "/stations"));
    assert!(!live(&app, &new).await);
    let list = admin.page("/stations").await;
    assert!(
        list.contains("Unit 2 was revoked. Its link no longer works.") && list.contains("Revoked ")
    );
    assert!(
        !list.contains(&format!("/stations/{id}/revoke")),
        "nothing left to revoke"
    );
}
