//! A signed-in API client for tests: JSON in, status and JSON out, CSRF header included.

use crate::helpers::TestApp;
use domain::Role;
use serde_json::Value;

pub struct Api<'a> {
    pub app: &'a TestApp,
    pub client: reqwest::Client,
    pub csrf: String,
}

impl<'a> Api<'a> {
    /// Signs in a new account of `role` with this address.
    pub async fn sign_in(app: &'a TestApp, email: &str, role: Role) -> Api<'a> {
        let (client, csrf) = app.sign_in_as(email, role).await;
        Api { app, client, csrf }
    }

    /// A client that is not signed in.
    pub fn anonymous(app: &'a TestApp) -> Api<'a> {
        Api {
            app,
            client: app.client(),
            csrf: String::new(),
        }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .client
            .request(method, self.app.url(path))
            .header("x-csrf-token", &self.csrf);
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

    /// The HTML of a page, as this client sees it.
    pub async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(self.app.url(path))
            .send()
            .await
            .expect("request");
        response.text().await.expect("body")
    }

    /// The signed-in account's id.
    pub async fn my_id(&self) -> String {
        let (_, me) = self.get("/api/v1/me").await;
        me["user"]["id"].as_str().expect("signed in").to_owned()
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PATCH", path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PUT", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send("DELETE", path, None).await
    }

    /// Creates a provider (as an admin) and returns its id.
    pub async fn create_provider(&self, name: &str) -> String {
        let (status, body) = self
            .post("/api/v1/providers", serde_json::json!({ "name": name }))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Creates a user (as an admin) and returns its id.
    pub async fn create_user(&self, email: &str, role: &str, provider_ids: &[&str]) -> String {
        let body = serde_json::json!({
            "first_name": "Pat", "last_name": "Example", "email": email, "role": role,
            "provider_ids": provider_ids,
        });
        let (status, body) = self.post("/api/v1/users", body).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }
}
