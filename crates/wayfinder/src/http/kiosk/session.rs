//! The kiosk session between pages: its id in a cookie scoped to `/kiosk`, checked against the
//! station on every request, and the top bar every step page shows.

use crate::AppState;
use crate::auth::station::KioskStation;
use crate::config::Config;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::KioskSessionId;
use domain::report::{KioskSession, Outcome};

/// The session cookie's name; `__Secure-` on https, as the station cookie.
fn cookie_name(config: &Config) -> &'static str {
    if config.https {
        "__Secure-wayfinder_kiosk_session"
    } else {
        "wayfinder_kiosk_session"
    }
}

/// The cookie that carries the session from page to page; it ends with the browser.
pub fn session_cookie(state: &AppState, id: KioskSessionId) -> Cookie<'static> {
    Cookie::build((cookie_name(&state.config), id.to_string()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/kiosk")
        .secure(state.config.https)
        .build()
}

/// A jar that removes the session cookie: the next client starts afresh.
pub fn forget_session(config: &Config) -> CookieJar {
    let gone = Cookie::build((cookie_name(config), ""))
        .path("/kiosk")
        .secure(config.https)
        .max_age(time::Duration::ZERO)
        .build();
    CookieJar::new().add(gone)
}

/// What the kiosk layout's top bar says.
pub struct TopBar {
    /// "10:42", in the site's time zone: what the bar shows without script.
    pub started: String,
    /// The start and the server's time now (RFC 3339), for the script's timer: the kiosk's own
    /// clock may be wrong, so it counts from the server's.
    pub started_at: String,
    pub now: String,
    /// Only an https base URL makes the connection encrypted.
    pub encrypted: bool,
}

/// The station's live session of this browser.
pub struct Current {
    pub id: KioskSessionId,
    pub session: KioskSession,
    pub top: TopBar,
}

/// A kiosk page's request: the station, and its session unless there is none, it is another
/// station's, or it has ended (the page then shows the welcome screen).
pub struct KioskPage {
    pub kiosk: KioskStation,
    pub current: Option<Current>,
    /// The id the cookie names when it is a session of this station, live or ended: the print
    /// page outlives the session by a while.
    pub cookie_id: Option<KioskSessionId>,
    /// How the cookie's session ended, when it has: the welcome then says it timed out.
    pub ended: Option<Outcome>,
}

/// An instant as RFC 3339, for the script.
fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// "10:42" in the site's time zone.
fn clock(config: &Config, t: time::OffsetDateTime) -> String {
    jiff::Timestamp::from_second(t.unix_timestamp())
        .map(|at| {
            at.to_zoned_datetime(config.timezone.clone())
                .strftime("%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for KioskPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let kiosk = KioskStation::from_request_parts(parts, state).await?;
        let id = CookieJar::from_headers(&parts.headers)
            .get(cookie_name(&state.config))
            .and_then(|c| c.value().parse::<KioskSessionId>().ok());
        let session = match id {
            Some(id) => state
                .store
                .kiosk_session(id)
                .await
                .map_err(|e| crate::http::pages::PageError(e.into()).into_response())?,
            None => None,
        };
        let ours = session.filter(|s| s.station_id == kiosk.station.id);
        let cookie_id = ours.as_ref().map(|s| s.id);
        let ended = ours.as_ref().and_then(|s| s.ended_at.and(s.outcome));
        let current = ours
            .filter(|s| s.ended_at.is_none())
            .map(|session| Current {
                id: session.id,
                top: TopBar {
                    started: clock(&state.config, session.started_at),
                    started_at: rfc3339(session.started_at),
                    now: rfc3339(state.now()),
                    encrypted: state.config.https,
                },
                session,
            });
        Ok(KioskPage {
            kiosk,
            current,
            cookie_id,
            ended,
        })
    }
}
