//! Stations (SPEC §8.2, §12): created, listed, given a new link and revoked, through the API and
//! the pages; the token only in the one answer that shows the link, never in the database in
//! clear nor in the audit log; revoking ends a kiosk session running on the station.

use crate::client::Api;
use crate::external::{Secret, database_files, leaks};
use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::report::KioskSession;
use domain::{KioskSessionId, Role, StationId};
use serde_json::{Value, json};

/// The token of a station link, checked to be `{base_url}/kiosk?station=TOKEN`.
pub fn token_of(app: &TestApp, link: &str) -> String {
    let prefix = format!("{}/kiosk?station=", app.state.config.base_url);
    let token = link
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{link} is not a station link of {prefix}"));
    assert_eq!(token.len(), 43, "256 bits in base64url: {token}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    token.to_owned()
}

async fn create(admin: &Api<'_>, name: &str) -> Value {
    let (status, body) = admin
        .post("/api/v1/stations", json!({ "name": name }))
        .await;
    assert_eq!(status, 201, "{body}");
    body
}

#[tokio::test]
async fn an_admin_creates_lists_relinks_and_revokes_a_station_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let created = create(&admin, "  Unit 4 library ").await;
    let station = &created["station"];
    assert_eq!(station["name"], "Unit 4 library");
    assert_eq!(station["last_used_at"], Value::Null);
    assert_eq!(station["revoked_at"], Value::Null);
    assert!(station.get("token").is_none() && station.get("token_hash").is_none());
    let first = token_of(&app, created["link"].as_str().unwrap());
    let id = station["id"].as_str().unwrap();

    let (status, list) = admin.get("/api/v1/stations").await;
    assert_eq!(status, 200);
    assert_eq!(
        (list["total"].clone(), list["page"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(list["items"][0]["id"], id);
    assert!(
        !list.to_string().contains(&first),
        "the list never shows a link"
    );

    let (status, replaced) = admin
        .post(&format!("/api/v1/stations/{id}/link"), json!({}))
        .await;
    assert_eq!(status, 201, "{replaced}");
    let second = token_of(&app, replaced["link"].as_str().unwrap());
    assert_ne!(first, second);
    assert!(
        app.state
            .store
            .live_station(&hash(&app, &first))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.state
            .store
            .live_station(&hash(&app, &second))
            .await
            .unwrap()
            .is_some()
    );

    let (status, _) = admin.delete(&format!("/api/v1/stations/{id}")).await;
    assert_eq!(status, 204);
    assert!(
        app.state
            .store
            .live_station(&hash(&app, &second))
            .await
            .unwrap()
            .is_none()
    );
    let (_, list) = admin.get("/api/v1/stations").await;
    assert!(list["items"][0]["revoked_at"].is_string(), "{list}");
    // A revoked station gets no new link; revoking it again changes nothing.
    let (status, _) = admin
        .post(&format!("/api/v1/stations/{id}/link"), json!({}))
        .await;
    assert_eq!(status, 409);
    let (status, _) = admin.delete(&format!("/api/v1/stations/{id}")).await;
    assert_eq!(status, 204);
}

fn hash(app: &TestApp, token: &str) -> Vec<u8> {
    wayfinder::service::stations::token_hash(&app.state, token)
}

#[tokio::test]
async fn a_station_without_a_usable_name_is_refused_with_a_field_error() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    for body in [
        json!({}),
        json!({ "name": "   " }),
        json!({ "name": "x".repeat(101) }),
    ] {
        let (status, answer) = admin.post("/api/v1/stations", body).await;
        assert_eq!(status, 422, "{answer}");
        assert!(answer["error"]["fields"]["name"].is_string(), "{answer}");
    }
    let (status, _) = admin
        .delete(&format!("/api/v1/stations/{}", StationId::new()))
        .await;
    assert_eq!(status, 404);
    let (status, _) = admin.delete("/api/v1/stations/not-an-id").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_token_is_never_in_the_database_in_clear_nor_in_the_audit_log() {
    let mut app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let created = create(&admin, "Unit 1").await;
    let id = created["station"]["id"].as_str().unwrap().to_owned();
    let (_, replaced) = admin
        .post(&format!("/api/v1/stations/{id}/link"), json!({}))
        .await;
    let tokens = [&created, &replaced].map(|b| token_of(&app, b["link"].as_str().unwrap()));
    admin.delete(&format!("/api/v1/stations/{id}")).await;

    let (status, audit) = admin.get("/api/v1/audit?action=station.created").await;
    assert_eq!(status, 200);
    assert_eq!(audit["total"], 1, "{audit}");
    let (_, audit) = admin.get("/api/v1/audit").await;
    let text = audit.to_string();
    for action in [
        "station.created",
        "station.link_replaced",
        "station.revoked",
    ] {
        assert!(text.contains(action), "{action} is audited: {text}");
    }
    for token in &tokens {
        assert!(
            !text.contains(token.as_str()),
            "the audit log holds no token"
        );
    }
    app.stop().await;
    let secrets: Vec<Secret> = tokens.iter().map(|t| Secret::Token(t.clone())).collect();
    assert_eq!(leaks(&database_files(&app), &secrets), []);
}

/// A kiosk session still running on `station`, as the kiosk records one.
async fn running_session(app: &TestApp, station: &str) -> KioskSessionId {
    let now = app.clock_now();
    let session = KioskSession {
        id: KioskSessionId::new(),
        station_id: station.parse().unwrap(),
        started_at: now - time::Duration::minutes(5),
        ended_at: None,
        outcome: None,
        consented_at: Some(now),
        gender: None,
        age: None,
        indigenous_status: None,
        client_name_sealed: None,
        categories: vec![],
        selections: vec![],
    };
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_kiosk_sessions(std::slice::from_ref(&session))
        .await
        .unwrap();
    tx.commit(NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded))
        .await
        .unwrap();
    session.id
}

async fn report(app: &TestApp) -> Vec<domain::report::SessionReportRow> {
    let now = app.clock_now();
    let filter = store::ReportFilter {
        from: now - time::Duration::days(1),
        until: now + time::Duration::days(1),
        member_of: None,
    };
    let mut receiver = app.state.store.session_report(filter);
    let mut rows = Vec::new();
    while let Some(row) = receiver.recv().await {
        rows.push(row.expect("row"));
    }
    rows
}

#[tokio::test]
async fn revoking_a_station_ends_the_kiosk_session_running_on_it_and_no_other() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let doomed = create(&admin, "Unit 1").await["station"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = create(&admin, "Unit 2").await["station"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ended = running_session(&app, &doomed).await;
    let going = running_session(&app, &other).await;

    app.clock.advance(time::Duration::minutes(1));
    let (status, _) = admin.delete(&format!("/api/v1/stations/{doomed}")).await;
    assert_eq!(status, 204);

    let rows = report(&app).await;
    let row = |id| {
        rows.iter()
            .find(|r| r.session_id == id)
            .expect("in the report")
    };
    assert_eq!(row(ended).outcome.as_deref(), Some("cancelled"));
    assert_eq!(row(ended).ended_at, Some(app.clock_now()));
    assert_eq!(
        (row(going).outcome.clone(), row(going).ended_at),
        (None, None)
    );
    let (_, audit) = admin.get("/api/v1/audit?action=station.revoked").await;
    assert_eq!(audit["items"][0]["details"]["sessions_ended"], 1, "{audit}");
}
