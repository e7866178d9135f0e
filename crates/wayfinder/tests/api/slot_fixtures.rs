//! What slot tests need around them: a provider with a member, booking and information
//! listings, and bookings with a client's sealed name, as the kiosk would leave them.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::listing::{Listing, Station};
use domain::report::{KioskSession, ListingKind};
use domain::{ProviderId, Role};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// A listing of `kind` for the provider, written through the store (the listings API is
/// another part of the issue).
pub async fn listing(app: &TestApp, provider: &str, kind: ListingKind, name: &str) -> String {
    let listing = Listing {
        id: domain::ListingId::new(),
        provider_id: provider.parse::<ProviderId>().unwrap(),
        kind,
        name: name.into(),
        description: String::new(),
        eligibility_notes: String::new(),
        gender: domain::GenderFilter::Any,
        min_age: None,
        max_age: None,
        indigenous: domain::IndigenousFilter::Any,
        category_ids: Vec::new(),
        created_at: app.clock_now(),
    };
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_listing(&listing).await.unwrap();
    tx.commit(NewAuditEvent::new(
        app.clock_now(),
        Actor::Cli,
        Action::DemoLoaded,
    ))
    .await
    .unwrap();
    listing.id.to_string()
}

/// An admin, a provider with one booking listing, and a member of that provider.
pub struct Setup<'a> {
    pub admin: Api<'a>,
    pub member: Api<'a>,
    pub provider: String,
    pub listing: String,
}

pub async fn setup(app: &TestApp) -> Setup<'_> {
    let admin = Api::sign_in(app, "admin@example.org", Role::Admin).await;
    let provider = admin.create_provider("Legal Aid").await;
    let member = Api::sign_in(app, "ann@example.org", Role::User).await;
    let member_id = member.my_id().await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/providers/{provider}/members"),
            json!({ "user_id": member_id }),
        )
        .await;
    assert_eq!(status, 201);
    let listing = listing(app, &provider, ListingKind::Booking, "Court support").await;
    Setup {
        admin,
        member,
        provider,
        listing,
    }
}

/// Books the slot for a finished kiosk session that keeps the client's (sealed) name.
pub async fn book(app: &TestApp, slot: &str, client: &str) -> String {
    let session = kiosk_session(app, client).await;
    let sql = format!("UPDATE slots SET booked_by_session = '{session}' WHERE id = '{slot}'");
    assert_eq!(raw(app, &sql).await.unwrap(), 1);
    session
}

/// A finished kiosk session (on a station of its own) that keeps the client's sealed name.
pub async fn kiosk_session(app: &TestApp, client: &str) -> String {
    let now = app.clock_now();
    let station = Station {
        id: domain::StationId::new(),
        name: format!("Station {}", Uuid::new_v4().simple()),
        token_hash: Uuid::new_v4().as_bytes().to_vec(),
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let session = KioskSession {
        id: domain::KioskSessionId::new(),
        station_id: station.id,
        started_at: now,
        ended_at: Some(now),
        outcome: Some(domain::report::Outcome::Completed),
        consented_at: Some(now),
        gender: None,
        age: None,
        indigenous_status: None,
        client_name_sealed: Some(app.state.keys.seal(client.as_bytes())),
        categories: Vec::new(),
        selections: Vec::new(),
    };
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_station(&station).await.unwrap();
    tx.insert_kiosk_sessions(std::slice::from_ref(&session))
        .await
        .unwrap();
    tx.commit(NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded))
        .await
        .unwrap();
    session.id.to_string()
}

/// Holds the slot for a kiosk session that is choosing it for the next ten minutes.
pub async fn hold(app: &TestApp, slot: &str) {
    let session = book(app, slot, "Nobody").await;
    let until = app.clock_now() + time::Duration::minutes(10);
    let until = if app.database.is_postgres() {
        format!("'{}'", until.format(&Rfc3339).unwrap())
    } else {
        (until.unix_timestamp() * 1_000_000).to_string()
    };
    let sql = format!(
        "UPDATE slots SET booked_by_session = NULL, held_by_session = '{session}',
           held_until = {until} WHERE id = '{slot}'"
    );
    assert_eq!(raw(app, &sql).await.unwrap(), 1);
}

/// One statement straight on the database, past every check of the application.
pub async fn raw(app: &TestApp, sql: &str) -> store::StoreResult<u64> {
    store::admin::execute(&app.database.url, sql).await
}

/// Creates slots through the API and returns their ids, by start.
pub async fn add_slots(api: &Api<'_>, listing: &str, body: serde_json::Value) -> Vec<String> {
    let (status, created) = api
        .post(&format!("/api/v1/listings/{listing}/slots"), body)
        .await;
    assert_eq!(status, 201, "{created}");
    created["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}
