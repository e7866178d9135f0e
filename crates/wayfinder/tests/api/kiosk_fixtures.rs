//! A small kiosk world made through the dashboard's API (a station, categories, providers with
//! listings, a fallback provider), and a client that speaks as the station.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::{Value, json};

/// A station's API client: its link token as the bearer token, nothing else.
pub struct Kiosk<'a> {
    pub app: &'a TestApp,
    pub token: String,
    client: reqwest::Client,
}

impl<'a> Kiosk<'a> {
    pub fn new(app: &'a TestApp, token: &str) -> Kiosk<'a> {
        Kiosk {
            app,
            token: token.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .client
            .request(method, self.app.url(&format!("/api/v1/kiosk{path}")))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PUT", path, Some(body)).await
    }

    /// Starts a session and returns its id.
    pub async fn start(&self) -> String {
        let (status, session) = self.send("POST", "/sessions", None).await;
        assert_eq!(status, 201, "{session}");
        session["id"].as_str().expect("id").to_owned()
    }

    /// Starts a session and answers steps 1–3: a woman of 30 who prefers not to give her
    /// Indigenous status, choosing `categories`.
    pub async fn at_listings(&self, categories: &[&str]) -> String {
        let id = self.start().await;
        let s = format!("/sessions/{id}");
        assert_eq!(
            self.post(&format!("{s}/consent"), json!({"consent": true}))
                .await
                .0,
            200
        );
        let answers =
            json!({"gender": "female", "age": 30, "indigenous_status": "prefer_not_to_say"});
        assert_eq!(self.put(&format!("{s}/demographics"), answers).await.0, 200);
        let (status, body) = self
            .put(
                &format!("{s}/categories"),
                json!({ "category_ids": categories }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        id
    }
}

/// What [`world`] made.
pub struct World<'a> {
    pub admin: Api<'a>,
    pub housing: String,
    pub health: String,
    /// Information listings: Housing for anyone, Housing for men only, Health for anyone,
    /// and the fallback provider's Housing listing.
    pub shelter: String,
    pub mens_shed: String,
    pub clinic: String,
    pub helpline: String,
    pub token: String,
    pub other_token: String,
}

async fn ok(answer: (u16, Value), expect: u16) -> Value {
    assert_eq!(answer.0, expect, "{}", answer.1);
    answer.1
}

pub async fn station(admin: &Api<'_>, name: &str) -> String {
    let made = ok(
        admin
            .post("/api/v1/stations", json!({ "name": name }))
            .await,
        201,
    )
    .await;
    let link = made["link"].as_str().expect("link");
    link.split("station=").nth(1).expect("token").to_owned()
}

pub async fn category(admin: &Api<'_>, name: &str) -> String {
    let body = json!({ "name": name, "colour": "#225588" });
    ok(admin.post("/api/v1/categories", body).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn listing(admin: &Api<'_>, provider: &str, body: Value) -> String {
    let path = format!("/api/v1/providers/{provider}/listings");
    ok(admin.post(&path, body).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn world(app: &TestApp) -> World<'_> {
    let admin = Api::sign_in(app, "admin@example.org", Role::Admin).await;
    let housing = category(&admin, "Housing").await;
    let health = category(&admin, "Health").await;
    // "Aardvark" sorts first by name, so the fallback's place proves the rule, not the alphabet.
    let fallback = admin.create_provider("Aardvark Helpline").await;
    let provider = admin.create_provider("Northside Services").await;
    let setting = json!({ "provider_id": fallback });
    ok(
        admin
            .put("/api/v1/settings/fallback-provider", setting)
            .await,
        200,
    )
    .await;
    let info = |name: &str, cats: &[&String], extra: Value| {
        let mut body = json!({ "kind": "information", "name": name, "category_ids": cats });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let shelter = listing(&admin, &provider, info("Shelter", &[&housing], json!({}))).await;
    let mens = info("Mens shed", &[&housing], json!({ "gender": "male" }));
    let mens_shed = listing(&admin, &provider, mens).await;
    let clinic = listing(&admin, &provider, info("Clinic", &[&health], json!({}))).await;
    let helpline = listing(&admin, &fallback, info("Helpline", &[&housing], json!({}))).await;
    let token = station(&admin, "Unit 1 kiosk").await;
    let other_token = station(&admin, "Unit 2 kiosk").await;
    World {
        admin,
        housing,
        health,
        shelter,
        mens_shed,
        clinic,
        helpline,
        token,
        other_token,
    }
}
