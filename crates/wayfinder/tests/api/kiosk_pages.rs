//! The kiosk's pages (SPEC §8.3) through a plain browser-like client that keeps cookies: the
//! station link, the welcome screen, starting a session, consent, and terminating.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::kiosk_fixtures::{listing, world};
use crate::stations::token_of;
use domain::Role;
use serde_json::json;

/// A kiosk browser: keeps cookies by their path, does not follow redirects, and sends the
/// site's `Origin` on forms, as a browser does.
pub(crate) struct Kiosk {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Kiosk {
    /// A browser that has opened a fresh station's link.
    pub(crate) async fn set_up(app: &TestApp) -> Kiosk {
        let admin = Api::sign_in(app, "ada@example.org", Role::Admin).await;
        let (_, created) = admin
            .post("/api/v1/stations", json!({ "name": "Front desk" }))
            .await;
        Kiosk::open(app, token_of(app, created["link"].as_str().unwrap())).await
    }

    /// A browser that has opened the link of the station with this token.
    pub(crate) async fn open(app: &TestApp, token: String) -> Kiosk {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let kiosk = Kiosk {
            client,
            base: app.address.clone(),
            token,
        };
        let response = kiosk.get(&format!("/kiosk?station={}", kiosk.token)).await;
        assert_eq!(response.status(), 303);
        kiosk
    }

    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "GET {path} is never kept"
        );
        response
    }

    pub(crate) async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// A started session, through consent, the answers and one category, at step 4; its id.
    pub(crate) async fn at_listings(&self, category: &str) -> String {
        let id = self.start().await;
        self.post("/kiosk/consent", &[("consent", "yes")]).await;
        let answers = [
            ("gender", "female"),
            ("age", "40"),
            ("indigenous_status", "non_indigenous"),
        ];
        self.post("/kiosk/demographics", &answers).await;
        let chosen = self
            .post("/kiosk/categories", &[("category_ids", category)])
            .await;
        assert_eq!(chosen, (303, "/kiosk/listings".to_owned()));
        id
    }

    /// Start session: the id the session cookie holds, after checking the cookie's attributes.
    pub(crate) async fn start(&self) -> String {
        let response = self
            .client
            .post(format!("{}/kiosk/sessions", self.base))
            .header("origin", &self.base)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/kiosk/consent");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/kiosk"] {
            assert!(cookie.contains(attribute), "{attribute} in {cookie}");
        }
        let value = cookie.strip_prefix("wayfinder_kiosk_session=").unwrap();
        value.split(';').next().unwrap().to_owned()
    }

    /// The session as the kiosk API sees it.
    pub(crate) async fn session(&self, id: &str) -> serde_json::Value {
        self.api("GET", &format!("/api/v1/kiosk/sessions/{id}"))
            .await
    }

    pub(crate) async fn api(&self, method: &str, path: &str) -> serde_json::Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let text = response.text().await.unwrap();
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// Posts a form; the status and where it redirects to.
    pub(crate) async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let response = self.post_response(path, form).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (status, location.unwrap_or(response.text().await.unwrap()))
    }

    /// The whole answer to a form, for its headers.
    pub(crate) async fn post_response(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "POST {path} is never kept"
        );
        response
    }
}

const WELCOME: &str = "Start session";

#[tokio::test]
async fn a_station_link_leads_to_the_welcome_screen_and_start_session_to_consent() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let (status, body) = kiosk.page("/kiosk").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(WELCOME) && body.contains("Front desk"),
        "{body}"
    );

    let id = kiosk.start().await;
    assert_eq!(kiosk.session(&id).await["step"], "consent");
    let (status, body) = kiosk.page("/kiosk/consent").await;
    assert_eq!(status, 200);
    assert!(body.contains("Privacy and consent"), "{body}");
    assert!(body.contains("Started 09:00"), "the start time: {body}");
    assert!(body.contains("This connection is not encrypted"), "{body}");
    assert!(body.contains("Terminate session"), "{body}");
}

#[tokio::test]
async fn consent_must_be_ticked_before_the_session_goes_on() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let id = kiosk.start().await;
    let (status, body) = kiosk.post("/kiosk/consent", &[]).await;
    assert_eq!(status, 422);
    assert!(body.contains("The client must agree"), "{body}");
    assert_eq!(
        kiosk.post("/kiosk/consent", &[("consent", "yes")]).await,
        (303, "/kiosk/demographics".to_owned())
    );
    assert_eq!(kiosk.session(&id).await["step"], "demographics");
}

#[tokio::test]
async fn terminate_asks_first_then_ends_the_session_and_returns_to_the_welcome() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let id = kiosk.start().await;
    let (status, body) = kiosk.page("/kiosk/terminate").await;
    assert_eq!(status, 200);
    assert!(body.contains("Terminate this session?"), "{body}");
    assert!(
        body.contains(r#"href="/kiosk/consent""#),
        "No goes back: {body}"
    );

    assert_eq!(
        kiosk.post("/kiosk/terminate", &[]).await,
        (303, "/kiosk".to_owned())
    );
    let (status, body) = kiosk.page("/kiosk").await;
    assert_eq!(status, 200);
    assert!(body.contains(WELCOME), "{body}");
    let session = kiosk.session(&id).await;
    assert_eq!(
        (&session["step"], &session["outcome"]),
        (&json!("ended"), &json!("cancelled"))
    );
}

#[tokio::test]
async fn the_step_page_of_a_session_that_has_ended_shows_the_welcome() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let id = kiosk.start().await;
    // Ended elsewhere (the API, or abandonment): the browser still holds its cookie.
    kiosk
        .api("POST", &format!("/api/v1/kiosk/sessions/{id}/terminate"))
        .await;
    let (status, body) = kiosk.page("/kiosk/consent").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(WELCOME) && !body.contains("Privacy and consent"),
        "{body}"
    );
    assert_eq!(
        kiosk.post("/kiosk/consent", &[("consent", "yes")]).await.0,
        200
    );
    assert_eq!(kiosk.session(&id).await["outcome"], "cancelled");
}

#[tokio::test]
async fn demographics_come_after_consent_show_field_errors_and_keep_answers_for_back() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let id = kiosk.start().await;
    let response = kiosk.get("/kiosk/demographics").await;
    assert_eq!(response.status(), 303, "no step is skipped");
    assert_eq!(response.headers()["location"], "/kiosk/consent");
    kiosk.post("/kiosk/consent", &[("consent", "yes")]).await;

    let (status, body) = kiosk.post("/kiosk/demographics", &[("age", "old")]).await;
    assert_eq!(status, 422);
    assert!(body.contains(r#"id="gender-error""#), "{body}");
    assert!(
        body.contains(r#"id="age-error""#) && body.contains(r#"value="old""#),
        "{body}"
    );
    let answers = [
        ("gender", "female"),
        ("age", "34"),
        ("indigenous_status", "prefer_not_to_say"),
    ];
    assert_eq!(
        kiosk.post("/kiosk/demographics", &answers).await,
        (303, "/kiosk/categories".to_owned())
    );
    let session = kiosk.session(&id).await;
    assert_eq!(
        (&session["gender"], &session["age"], &session["step"]),
        (&json!("female"), &json!(34), &json!("categories"))
    );

    // Back: the page shows what was answered.
    let (status, body) = kiosk.page("/kiosk/demographics").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"value="female" checked"#), "{body}");
    assert!(body.contains(r#"value="34""#), "{body}");
    assert!(
        body.contains(r#"value="prefer_not_to_say" checked"#),
        "{body}"
    );
    assert!(body.contains(r#"href="/kiosk/consent">Back"#), "{body}");
}

#[tokio::test]
async fn categories_are_cards_in_their_colours_and_back_keeps_the_choice() {
    let app = TestApp::spawn().await;
    let kiosk = Kiosk::set_up(&app).await;
    let admin = Api::sign_in(&app, "cy@example.org", Role::Admin).await;
    let (status, housing) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Housing", "colour": "#336699" }),
        )
        .await;
    assert_eq!(status, 201, "{housing}");
    let housing = housing["id"].as_str().unwrap().to_owned();
    // Only a category with a listing is offered.
    let provider = admin.create_provider("Eastside").await;
    let body = json!({ "kind": "information", "name": "Rent help", "category_ids": [&housing] });
    listing(&admin, &provider, body).await;
    let id = kiosk.start().await;
    kiosk.post("/kiosk/consent", &[("consent", "yes")]).await;
    let answers = [
        ("gender", "other"),
        ("age_unsaid", "yes"),
        ("indigenous_status", "non_indigenous"),
    ];
    kiosk.post("/kiosk/demographics", &answers).await;

    let (status, body) = kiosk.page("/kiosk/categories").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Housing") && body.contains(r##"fill="#336699""##),
        "{body}"
    );
    let (status, body) = kiosk.post("/kiosk/categories", &[]).await;
    assert_eq!(status, 422);
    assert!(body.contains("Choose at least one category."), "{body}");
    assert_eq!(
        kiosk
            .post("/kiosk/categories", &[("category_ids", &housing)])
            .await,
        (303, "/kiosk/listings".to_owned())
    );
    assert_eq!(kiosk.session(&id).await["category_ids"], json!([housing]));
    let (_, body) = kiosk.page("/kiosk/categories").await;
    assert!(
        body.contains(&format!(r#"value="{housing}" checked"#)),
        "{body}"
    );
    let (_, body) = kiosk.page("/kiosk/demographics").await;
    assert!(
        body.contains(r#"name="age_unsaid" value="yes" checked"#),
        "{body}"
    );
}

#[tokio::test]
async fn listings_show_in_order_with_the_fallback_last_and_an_information_listing_is_added() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let provider = w.admin.create_provider("Eastside").await;
    let body = json!({ "kind": "information", "name": "Rent help", "category_ids": [&w.housing],
        "eligibility_notes": "Bring a letter from your landlord." });
    listing(&w.admin, &provider, body).await;
    let kiosk = Kiosk::open(&app, w.token.clone()).await;
    let id = kiosk.start().await;
    kiosk.post("/kiosk/consent", &[("consent", "yes")]).await;
    let answers = [
        ("gender", "female"),
        ("age", "40"),
        ("indigenous_status", "non_indigenous"),
    ];
    kiosk.post("/kiosk/demographics", &answers).await;
    kiosk
        .post("/kiosk/categories", &[("category_ids", &w.housing)])
        .await;

    let (status, body) = kiosk.page("/kiosk/listings").await;
    assert_eq!(status, 200);
    let at = |text: &str| {
        body.find(text)
            .unwrap_or_else(|| panic!("{text} in {body}"))
    };
    assert!(
        at("Shelter") < at("These services help everyone")
            && at("These services help everyone") < at("Helpline")
    );
    assert!(!body.contains("Mens shed"), "not for this client: {body}");
    assert!(!body.contains("Clinic"), "another category: {body}");
    assert!(
        body.contains(
            r#"<p class="kiosk-eligibility"><strong>Who this is for:</strong> Bring a letter"#
        ),
        "{body}"
    );

    assert_eq!(
        kiosk
            .post("/kiosk/selections", &[("listing_id", &w.shelter)])
            .await,
        (303, "/kiosk/listings".to_owned())
    );
    let session = kiosk.session(&id).await;
    assert_eq!(
        session["selections"][0]["listing_id"],
        json!(w.shelter),
        "{session}"
    );
    let (_, body) = kiosk.page("/kiosk/listings").await;
    assert!(body.contains("In your plan."), "{body}");
    let (status, body) = kiosk
        .post("/kiosk/selections", &[("listing_id", &w.clinic)])
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("not one of those shown"), "{body}");
    assert!(body.contains(r#"href="/kiosk/categories">Back"#), "{body}");
}
