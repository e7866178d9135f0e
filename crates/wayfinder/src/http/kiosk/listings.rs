//! Step 4, Service Listings: the listings of the chosen categories that fit the client, in
//! display order, the fallback provider's last. An information listing is added to the plan;
//! a booking listing needs a free time, and a time someone else just took says so plainly.
//! The page shows a part of them at a time ([`super::paging`]); the API shows all.

use super::paging::{FEW_TIMES, ListingsQuery, MANY_TIMES, Paging, View, parse_page};
use super::principal;
use super::session::{KioskPage, TopBar};
use super::steps::refused;
use crate::AppState;
use crate::error::AppError;
use crate::http::pages::{PageError, PageForm, render_status, when};
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::service::kiosk::flow;
use crate::service::kiosk::listings::{Shown, listings};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::report::{ListingKind, Selection};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/listings", Access::Station, listings_page)
        .post("/kiosk/selections", Access::Station, choose)
}

/// A free time to choose.
pub struct Time {
    pub id: String,
    pub label: String,
}

/// One listing as the page shows it.
pub struct Card {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub eligibility: String,
    pub filters: Vec<String>,
    pub booking: bool,
    pub times: Vec<Time>,
    /// "More times": the link that shows more of this listing's free times.
    pub more: Option<String>,
    pub is_fallback: bool,
    /// Already in the plan: with its time, for a booking.
    pub chosen: Option<String>,
}

#[derive(Template)]
#[template(path = "kiosk/listings.html")]
struct ListingsPage {
    top: TopBar,
    /// This page's part of the fitting listings, then of the fallback provider's.
    own: Vec<Card>,
    fallback: Vec<Card>,
    problem: Option<String>,
    paging: Paging,
}

/// A listing's card; `chosen` when the plan has it. It shows [`FEW_TIMES`] free times, or
/// [`MANY_TIMES`] when `view` asks for more of this listing's.
fn card(state: &AppState, s: Shown, selections: &[Selection], view: View, page: usize) -> Card {
    let l = &s.listing.listing;
    let limit = if view.times == Some(l.id) {
        MANY_TIMES
    } else {
        FEW_TIMES
    };
    // An opened listing shows its first MANY_TIMES and no further link (issue 11).
    let more = (limit == FEW_TIMES && s.free_slots.len() > FEW_TIMES).then(|| {
        format!(
            "{}#listing-{}",
            Paging::link(page, &format!("times={}", l.id)),
            l.id
        )
    });
    let chosen = selections
        .iter()
        .find(|sel| sel.listing_id == Some(l.id))
        .map(|sel| {
            sel.slot_starts_at
                .map(|t| when(state, t))
                .unwrap_or_default()
        });
    Card {
        id: l.id.to_string(),
        name: l.name.clone(),
        provider: s.listing.provider_name.clone(),
        description: l.description.clone(),
        eligibility: l.eligibility_notes.clone(),
        filters: l.filter_words(),
        booking: l.kind == ListingKind::Booking,
        times: s
            .free_slots
            .iter()
            .take(limit)
            .map(|t| Time {
                id: t.id.to_string(),
                label: when(state, t.starts_at),
            })
            .collect(),
        more,
        is_fallback: s.listing.is_fallback,
        chosen,
    }
}

/// The page, with a problem to say at its top.
pub(super) async fn show(
    state: &AppState,
    kiosk: KioskPage,
    problem: Option<(StatusCode, String)>,
    view: View,
) -> Result<Response, PageError> {
    let Some(current) = kiosk.current else {
        return Ok(super::welcome_page(state, &kiosk.kiosk, kiosk.ended));
    };
    let shown = match listings(state, &principal(&kiosk.kiosk), current.id).await {
        Ok(shown) => shown,
        Err(AppError::State { code, .. }) => return Ok(refused(state, &kiosk.kiosk, code)),
        Err(error) => return Err(PageError(error)),
    };
    let selections = &current.session.selections;
    let paging = Paging::new(shown.len(), view, |id| {
        shown.iter().position(|s| s.listing.listing.id == id)
    });
    let (fallback, own): (Vec<Card>, Vec<Card>) = shown
        .into_iter()
        .skip(paging.start)
        .take(paging.end - paging.start)
        .map(|s| card(state, s, selections, view, paging.page))
        .partition(|c| c.is_fallback);
    let (status, problem) = problem.map_or((StatusCode::OK, None), |(s, p)| (s, Some(p)));
    let page = ListingsPage {
        top: current.top,
        own,
        fallback,
        problem,
        paging,
    };
    Ok(render_status(status, &page))
}

async fn listings_page(
    State(state): State<AppState>,
    kiosk: KioskPage,
    QueryParams(query): QueryParams<ListingsQuery>,
) -> Result<Response, PageError> {
    show(&state, kiosk, None, View::from_query(&query)).await
}

#[derive(Deserialize)]
struct ChooseForm {
    #[serde(default)]
    listing_id: String,
    #[serde(default)]
    slot_id: Option<String>,
    /// The page the card was on, to come back to.
    #[serde(default)]
    page: Option<String>,
}

/// Adds a listing to the plan (with the chosen time for a booking listing).
async fn choose(
    State(state): State<AppState>,
    kiosk: KioskPage,
    PageForm(form): PageForm<ChooseForm>,
) -> Result<Response, PageError> {
    let Some(current) = &kiosk.current else {
        return Ok(super::welcome_page(&state, &kiosk.kiosk, kiosk.ended));
    };
    let not_shown = || AppError::field("listing_id", "This service cannot be chosen here.");
    let listing = form.listing_id.parse().map_err(|_| not_shown());
    let slot = match form.slot_id.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| AppError::field("slot_id", "Choose one of the times shown.")),
    };
    let page = parse_page(form.page.as_deref());
    let view = View {
        page,
        times: listing.as_ref().ok().copied(),
    };
    let added = match (listing, slot) {
        (Ok(listing), Ok(slot)) => {
            flow::add_selection(&state, &principal(&kiosk.kiosk), current.id, listing, slot).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match added {
        Ok(()) => Ok(Redirect::to(&Paging::link(page.unwrap_or(1), "")).into_response()),
        Err(AppError::State {
            code: "slot_taken",
            message,
        }) => show(&state, kiosk, Some((StatusCode::CONFLICT, message)), view).await,
        Err(AppError::State { code, .. }) => Ok(refused(&state, &kiosk.kiosk, code)),
        Err(error @ AppError::Validation(_)) => {
            let status = error.status();
            let message = error
                .fields()
                .map(|f| f.values().cloned().collect::<Vec<_>>().join(" "));
            let problem = Some((status, message.unwrap_or_default()));
            show(&state, kiosk, problem, view).await
        }
        Err(error) => Err(PageError(error)),
    }
}
