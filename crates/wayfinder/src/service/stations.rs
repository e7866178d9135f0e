//! Kiosk stations (SPEC §8.2): for those with [`Permission::ManageStations`] (admins), which
//! every change here checks itself; and the lookup a kiosk request makes with its token.
//!
//! A station's token is shown once, in its link, and stored only as a keyed hash: the audit log
//! and every answer after the first know the station by its id and name alone.

use super::authorize;
use crate::AppState;
use crate::error::{AppError, Result};
use domain::audit::{Action, NewAuditEvent};
use domain::listing::Station;
use domain::{PageNumber, Permission, StationId, Viewer};
use serde::Deserialize;
use serde_json::json;
use time::Duration;

/// The purpose under which station tokens are hashed (also used by the demo).
pub const TOKEN_PURPOSE: &str = "station";

/// How often at most a station's last-used time is written: kiosk pages come several a minute.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new station as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StationInput {
    pub name: Option<String>,
}

/// A station and the one link that opens it, shown once.
pub struct WithLink {
    pub station: Station,
    pub link: String,
}

/// The keyed hash a station token is stored under.
pub fn token_hash(state: &AppState, token: &str) -> Vec<u8> {
    state.keys.hash(TOKEN_PURPOSE, &[token])
}

/// The link that opens the kiosk on a station's computer.
pub fn link(state: &AppState, token: &str) -> String {
    format!("{}/kiosk?station={token}", state.config.base_url)
}

/// The live (not revoked) station `token` names, if any; its last-used time is kept fresh (at
/// most every [`TOUCH_EVERY`]).
#[tracing::instrument(skip_all)]
pub async fn live(state: &AppState, token: &str) -> Result<Option<Station>> {
    let Some(mut station) = state.store.live_station(&token_hash(state, token)).await? else {
        return Ok(None);
    };
    let now = state.now();
    if station
        .last_used_at
        .is_none_or(|at| now - at >= TOUCH_EVERY)
    {
        state.store.touch_station(station.id, now).await?;
        station.last_used_at = Some(now);
    }
    Ok(Some(station))
}

pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    page: PageNumber,
) -> Result<(Vec<Station>, i64)> {
    authorize(state, viewer, Permission::ManageStations).await?;
    Ok(state.store.list_stations(page).await?)
}

pub async fn get(state: &AppState, viewer: &Viewer, id: StationId) -> Result<Station> {
    authorize(state, viewer, Permission::ManageStations).await?;
    state.store.station(id).await?.ok_or(AppError::NotFound)
}

pub async fn create(state: &AppState, viewer: &Viewer, input: &StationInput) -> Result<WithLink> {
    authorize(state, viewer, Permission::ManageStations).await?;
    let name = domain::text::parse_name(input.name.as_deref().unwrap_or_default(), "name")
        .map_err(|e| AppError::field("name", e))?;
    create_with_token(state, viewer, name, &crate::secrets::random_token()).await
}

/// Creates a station whose token is `token` (the demo gives one a token it prints).
pub async fn create_with_token(
    state: &AppState,
    viewer: &Viewer,
    name: String,
    token: &str,
) -> Result<WithLink> {
    let now = state.now();
    let station = Station {
        id: StationId::new(),
        name,
        token_hash: token_hash(state, token),
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let mut tx = state.store.begin().await?;
    tx.insert_station(&station).await?;
    let event = NewAuditEvent::new(now, viewer.actor(), Action::StationCreated)
        .target("station", station.id, station.name.as_str())
        .details(json!({ "name": station.name }));
    tx.commit(event).await?;
    Ok(WithLink {
        station,
        link: link(state, token),
    })
}

/// Gives the station a new link; the old one stops working at once.
pub async fn replace_link(state: &AppState, viewer: &Viewer, id: StationId) -> Result<WithLink> {
    let mut station = get(state, viewer, id).await?;
    if station.revoked_at.is_some() {
        return Err(revoked());
    }
    let token = crate::secrets::random_token();
    let hash = token_hash(state, &token);
    let now = state.now();
    let mut tx = state.store.begin().await?;
    if !tx.replace_station_token(id, &hash, now).await? {
        return Err(revoked());
    }
    let event = NewAuditEvent::new(now, viewer.actor(), Action::StationLinkReplaced).target(
        "station",
        id,
        station.name.as_str(),
    );
    tx.commit(event).await?;
    station.token_hash = hash;
    Ok(WithLink {
        station,
        link: link(state, &token),
    })
}

/// Revokes the station and ends any kiosk session running on it. Revoking a revoked station
/// changes nothing and succeeds (the station is gone either way).
pub async fn revoke(state: &AppState, viewer: &Viewer, id: StationId) -> Result<Station> {
    let mut station = get(state, viewer, id).await?;
    if station.revoked_at.is_some() {
        return Ok(station);
    }
    let now = state.now();
    let mut tx = state.store.begin().await?;
    let Some(ended) = tx.revoke_station(id, now).await? else {
        return get(state, viewer, id).await;
    };
    let event = NewAuditEvent::new(now, viewer.actor(), Action::StationRevoked)
        .target("station", id, station.name.as_str())
        .details(json!({ "sessions_ended": ended }));
    tx.commit(event).await?;
    station.revoked_at = Some(now);
    Ok(station)
}

fn revoked() -> AppError {
    AppError::conflict(None, "This station is revoked. Add a new station instead.")
}
