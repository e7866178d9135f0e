//! The kiosk's pages (SPEC §8.3): a station's welcome screen, starting and ending a session,
//! and its steps, as POST → redirect → GET forms over the same kiosk service as the API.
//!
//! Between pages the session id lives in a cookie scoped to `/kiosk` (HttpOnly,
//! SameSite=Strict); every page checks it against the station, so a cookie of another station
//! or of a session that has ended leads back to the welcome screen.

mod categories;
mod demographics;
mod listings;
mod paging;
mod print;
mod review;
mod session;
mod steps;

use crate::AppState;
use crate::auth::station::{KioskStation, StationLinkQuery, open_station_link};
use crate::error::AppError;
use crate::http::pages::{PageError, render};
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::service::kiosk::{KioskPrincipal, flow};
use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::report::Outcome;
use session::{KioskPage, forget_session, session_cookie};

/// The kiosk's pages, each reachable by a station only.
pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk", Access::Station, welcome)
        .post("/kiosk/sessions", Access::Station, start)
        .get("/kiosk/terminate", Access::Station, confirm_terminate)
        .post("/kiosk/terminate", Access::Station, terminate)
        .post("/kiosk/keep-alive", Access::Station, keep_alive)
        .merge(steps::routes())
        .merge(review::routes())
        .merge(print::routes())
}

/// The station as the kiosk service names it.
fn principal(station: &KioskStation) -> KioskPrincipal {
    KioskPrincipal {
        id: station.station.id,
        name: station.station.name.clone(),
    }
}

#[derive(Template)]
#[template(path = "kiosk/welcome.html")]
struct Welcome {
    station_name: String,
    timed_out: bool,
}

/// `GET /kiosk`: a station link first (it sets the station cookie and comes back here without
/// the token), then the welcome screen of a set-up station.
async fn welcome(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<StationLinkQuery>,
    request: Request,
) -> Response {
    if let Some(answer) = open_station_link(&state, &query).await {
        return answer;
    }
    let (mut parts, _) = request.into_parts();
    match KioskPage::from_request_parts(&mut parts, &state).await {
        // The script sends the kiosk here when the idle limit has passed (`?timed_out=1`); the
        // sweep then ends the session, if it has not already.
        Ok(page) if query.timed_out.is_some() => {
            welcome_page(&state, &page.kiosk, Some(Outcome::Abandoned))
        }
        Ok(page) => welcome_page(&state, &page.kiosk, page.ended),
        Err(rejection) => rejection,
    }
}

/// The welcome screen, saying so when the last session timed out; any session cookie left
/// over is forgotten.
pub(super) fn welcome_page(
    state: &AppState,
    kiosk: &KioskStation,
    ended: Option<Outcome>,
) -> Response {
    let page = Welcome {
        station_name: kiosk.station.name.clone(),
        timed_out: ended == Some(Outcome::Abandoned),
    };
    (forget_session(&state.config), render(&page)).into_response()
}

/// Start session: a new session at step 1, its id in the session cookie.
async fn start(State(state): State<AppState>, kiosk: KioskStation) -> Result<Response, PageError> {
    let id = flow::start(&state, &principal(&kiosk)).await?;
    let jar = axum_extra::extract::cookie::CookieJar::new().add(session_cookie(&state, id));
    Ok((jar, Redirect::to("/kiosk/consent")).into_response())
}

#[derive(Template)]
#[template(path = "kiosk/terminate.html")]
struct ConfirmTerminate {
    top: session::TopBar,
    /// The step the session is at: "No" goes on where the client was.
    back: &'static str,
}

/// Are you sure? Terminating throws the session's answers away.
async fn confirm_terminate(State(state): State<AppState>, page: KioskPage) -> Response {
    match page.current {
        Some(current) => render(&ConfirmTerminate {
            back: steps::path_of(crate::service::kiosk::step(&current.session)),
            top: current.top,
        }),
        None => welcome_page(&state, &page.kiosk, page.ended),
    }
}

/// Terminate session: the session ends as cancelled and the kiosk is back at its welcome.
async fn terminate(State(state): State<AppState>, page: KioskPage) -> Result<Response, PageError> {
    if let Some(current) = page.current {
        flow::terminate(&state, &principal(&page.kiosk), current.id).await?;
    }
    Ok(leave(&state))
}

/// Back to the welcome with the session cookie gone and the browser's copies of the client's
/// pages dropped (the station cookie stays, so no `"cookies"`): Back then shows nothing of them.
pub(super) fn leave(state: &AppState) -> Response {
    (
        [("clear-site-data", "\"cache\", \"storage\"")],
        forget_session(&state.config),
        Redirect::to("/kiosk"),
    )
        .into_response()
}

/// Continue in the idle warning: the request itself counts as activity. `204` for a live
/// session, `404` when it has ended (the script then goes to the welcome).
async fn keep_alive(State(state): State<AppState>, page: KioskPage) -> Result<Response, PageError> {
    let Some(current) = page.current else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    match crate::service::kiosk::keep_alive(&state, &principal(&page.kiosk), current.id).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(AppError::State { .. } | AppError::NotFound) => {
            Ok(StatusCode::NOT_FOUND.into_response())
        }
        Err(error) => Err(PageError(error)),
    }
}
