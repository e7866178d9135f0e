//! The kiosk's principal (SPEC §8.2): a station, named by its secret token. The kiosk API sends
//! the token as `Authorization: Bearer TOKEN` (no cookie, no CSRF token); the kiosk pages send it
//! in the station cookie, which the station link sets once.
//!
//! How the routes fit together: this module registers no route. The handler of `GET /kiosk`
//! (the kiosk's, in `http::kiosk`) first calls [`open_station_link`] with its query: when the
//! address carries `?station=TOKEN`, that answer (cookie and redirect, or the not-set-up page)
//! is the response. Otherwise the handler takes a [`KioskStation`], whose rejection is `401`
//! under `/api/` and the not-set-up page elsewhere.

use crate::AppState;
use crate::config::Config;
use crate::error::{AppError, Result};
use crate::http::pages::{PageError, render};
use crate::service::stations;
use askama::Template;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::listing::Station;
use serde::Deserialize;

/// The station cookie's name; `__Secure-` on https (`__Host-` would need `Path=/`).
pub fn station_cookie_name(config: &Config) -> &'static str {
    if config.https {
        "__Secure-wayfinder_station"
    } else {
        "wayfinder_station"
    }
}

/// The station cookie: only kiosk pages see it, and no other site can make the browser send it.
pub fn station_cookie(config: &Config, token: String) -> Cookie<'static> {
    Cookie::build((station_cookie_name(config), token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/kiosk")
        .secure(config.https)
        // A kiosk computer keeps its station across restarts of the browser.
        .max_age(time::Duration::days(400))
        .build()
}

/// The live station that made this request, and the token it used.
#[derive(Clone)]
pub struct KioskStation {
    pub station: Station,
    pub token: String,
}

impl KioskStation {
    /// The station as the audit log names it.
    pub fn actor(&self) -> domain::audit::Actor {
        domain::audit::Actor::Station {
            id: self.station.id.0,
            name: self.station.name.clone(),
        }
    }
}

/// The query of `GET /kiosk`.
#[derive(Debug, Default, Deserialize)]
pub struct StationLinkQuery {
    pub station: Option<String>,
    /// Set by the kiosk's script when the idle limit has passed.
    pub timed_out: Option<String>,
}

/// The station link (`/kiosk?station=TOKEN`): a live token is stored in the station cookie and
/// the browser sent to `/kiosk`, so that the token leaves the address bar and its history; an
/// unknown or revoked one gets the not-set-up page. `None` when the address has no token.
pub async fn open_station_link(state: &AppState, query: &StationLinkQuery) -> Option<Response> {
    let token = query.station.as_deref()?;
    Some(match stations::live(state, token).await {
        Ok(Some(_)) => {
            let jar = CookieJar::new().add(station_cookie(&state.config, token.to_owned()));
            (jar, Redirect::to("/kiosk")).into_response()
        }
        Ok(None) => not_set_up(state).await,
        Err(error) => PageError(error).into_response(),
    })
}

/// The token of the request: the bearer token, else (outside the API) the station cookie.
fn token_of(parts: &Parts, state: &AppState, api: bool) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    if bearer.is_some() || api {
        return bearer;
    }
    CookieJar::from_headers(&parts.headers)
        .get(station_cookie_name(&state.config))
        .map(|c| c.value().to_owned())
}

impl FromRequestParts<AppState> for KioskStation {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // Nested routers see their path without the prefix; the original tells API from page.
        let api = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path(), |uri| uri.path())
            .starts_with("/api/");
        let found = match token_of(parts, state, api) {
            Some(token) => stations::live(state, &token)
                .await
                .map(|s| s.map(|station| KioskStation { station, token })),
            None => Ok(None),
        };
        match (found, api) {
            (Ok(Some(station)), _) => Ok(station),
            (Ok(None), true) => Err(AppError::Unauthenticated.into_response()),
            (Ok(None), false) => Err(not_set_up(state).await),
            (Err(error), true) => Err(error.into_response()),
            (Err(error), false) => Err(PageError(error).into_response()),
        }
    }
}

#[derive(Template)]
#[template(path = "kiosk/not_set_up.html")]
struct NotSetUp {
    admins: Vec<String>,
}

/// "This kiosk is not set up", with the names of the administrators to ask. A stale station
/// cookie is forgotten, so that the browser stops sending a dead token.
pub async fn not_set_up(state: &AppState) -> Response {
    let admins = match state.store.admins().await {
        Ok(admins) => admins.iter().map(|a| a.full_name()).collect(),
        Err(error) => return PageError(error.into()).into_response(),
    };
    let forget = Cookie::build((station_cookie_name(&state.config), ""))
        .path("/kiosk")
        .secure(state.config.https)
        .max_age(time::Duration::ZERO)
        .build();
    let mut response = render(&NotSetUp { admins });
    *response.status_mut() = StatusCode::FORBIDDEN;
    (CookieJar::new().add(forget), response).into_response()
}
