//! The station principal (SPEC §8.2, §12): the station link stores the token in the strict
//! station cookie and sends the browser to `/kiosk` without it; the kiosk API takes the token as
//! `Authorization: Bearer`; a replaced link or a revoked station is refused (`401` for the API,
//! the not-set-up page naming the administrators for pages).
//!
//! The app's own `GET /kiosk` takes the station link; a probe API call next to the app's routes
//! shows the bearer side of `auth::station`, on a real socket over the test app's database.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::stations::token_of;
use domain::Role;
use serde_json::json;
use wayfinder::auth::station::KioskStation;

async fn kiosk_api(kiosk: KioskStation) -> String {
    format!("station {}", kiosk.station.name)
}

/// The app (whose `/kiosk` page takes the station link) with a kiosk API call that uses the
/// station principal; its address.
pub(crate) async fn serve_with_kiosk(app: &TestApp) -> String {
    let probe = axum::Router::new()
        .route("/api/v1/kiosk/station", axum::routing::get(kiosk_api))
        .with_state(app.state.clone());
    let router = wayfinder::http::router(app.state.clone()).merge(probe);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// A browser: keeps cookies (by their path) and does not follow redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn api_status(base: &str, token: &str) -> u16 {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/v1/kiosk/station"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn page(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

const NOT_SET_UP: &str = "This kiosk is not set up. Ask an administrator for a station link.";

#[tokio::test]
async fn the_station_link_sets_a_strict_cookie_and_leaves_the_address_bar() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ada@example.org", Role::Admin).await;
    let base = serve_with_kiosk(&app).await;
    let (_, created) = admin
        .post("/api/v1/stations", json!({ "name": "Unit 4" }))
        .await;
    let token = token_of(&app, created["link"].as_str().unwrap());

    let kiosk = browser();
    let response = kiosk
        .get(format!("{base}/kiosk?station={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/kiosk");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with(&format!("wayfinder_station={token};")),
        "{cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/kiosk"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");

    let (status, body) = page(&kiosk, &format!("{base}/kiosk")).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Start session") && body.contains("Unit 4"),
        "{body}"
    );
    let (_, list) = admin.get("/api/v1/stations").await;
    assert!(list["items"][0]["last_used_at"].is_string(), "{list}");
    assert_eq!(api_status(&base, &token).await, 200);
    // The cookie is the pages' alone: the API takes the bearer token only.
    let (status, _) = page(&kiosk, &format!("{base}/api/v1/kiosk/station")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn on_https_the_station_cookie_is_secure_and_named_so() {
    let app = TestApp::spawn().await;
    let mut config = (*app.state.config).clone();
    config.https = true;
    let cookie = wayfinder::auth::station::station_cookie(&config, "t".into());
    assert_eq!(cookie.name(), "__Secure-wayfinder_station");
    assert_eq!(cookie.secure(), Some(true));
    assert_eq!(cookie.path(), Some("/kiosk"));
}

#[tokio::test]
async fn a_replaced_link_and_a_revoked_station_are_refused_by_the_api_and_the_pages() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ada@example.org", Role::Admin).await;
    let base = serve_with_kiosk(&app).await;
    let (_, created) = admin
        .post("/api/v1/stations", json!({ "name": "Unit 1" }))
        .await;
    let old = token_of(&app, created["link"].as_str().unwrap());
    let kiosk = browser();
    page(&kiosk, &format!("{base}/kiosk?station={old}")).await;
    let id = created["station"]["id"].as_str().unwrap();

    let (_, replaced) = admin
        .post(&format!("/api/v1/stations/{id}/link"), json!({}))
        .await;
    let new = token_of(&app, replaced["link"].as_str().unwrap());
    assert_eq!(api_status(&base, &old).await, 401);
    assert_eq!(api_status(&base, &new).await, 200);
    let (status, body) = page(&kiosk, &format!("{base}/kiosk")).await;
    assert_eq!(status, 403);
    assert!(body.contains(NOT_SET_UP), "{body}");
    let (status, body) = page(&browser(), &format!("{base}/kiosk?station={old}")).await;
    assert!(
        status == 403 && body.contains(NOT_SET_UP),
        "the old link sets nothing up"
    );

    let fresh = browser();
    page(&fresh, &format!("{base}/kiosk?station={new}")).await;
    assert_eq!(page(&fresh, &format!("{base}/kiosk")).await.0, 200);
    let (status, _) = admin.delete(&format!("/api/v1/stations/{id}")).await;
    assert_eq!(status, 204);
    assert_eq!(api_status(&base, &new).await, 401);
    let (status, body) = page(&fresh, &format!("{base}/kiosk")).await;
    assert_eq!(status, 403);
    let ada = app.state.store.admins().await.unwrap()[0].full_name();
    assert!(
        body.contains(NOT_SET_UP) && body.contains(&ada),
        "names {ada}: {body}"
    );
}

#[tokio::test]
async fn a_browser_without_a_station_gets_the_not_set_up_page_naming_the_administrators() {
    let app = TestApp::spawn().await;
    let admin = app.create_user("grace@example.org", Role::Admin).await;
    let base = serve_with_kiosk(&app).await;
    let (status, body) = page(&browser(), &format!("{base}/kiosk")).await;
    assert_eq!(status, 403);
    assert!(body.contains(NOT_SET_UP), "{body}");
    assert!(body.contains(&admin.full_name()), "{body}");
    let bogus = wayfinder::secrets::random_token();
    assert_eq!(api_status(&base, &bogus).await, 401);
    let response = reqwest::Client::new()
        .get(format!("{base}/api/v1/kiosk/station"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "no token at all");
}
