//! Step 5, Review & Submit: the plan with a Remove button per item, the client's name when
//! (and only when) it holds a booking, and Submit, which leads to the print page. Removing works
//! from the listings page too, through the same form.

use super::principal;
use super::session::{KioskPage, TopBar};
use super::steps::{refused, step_page};
use crate::AppState;
use crate::error::AppError;
use crate::http::pages::{PageError, PageForm, field_error, render, render_status};
use crate::http::routes::{Access, Routes};
use crate::local_time;
use crate::service::kiosk::flow;
use crate::service::kiosk::submit;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::kiosk::Step;
use domain::report::{ListingKind, Selection};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/review", Access::Station, review_page)
        .post("/kiosk/review", Access::Station, submit_plan)
        .post("/kiosk/remove", Access::Station, remove)
}

/// One item of the plan.
pub struct Item {
    /// Empty when the listing has been deleted since: it can no longer be removed by id.
    pub listing_id: String,
    pub name: String,
    pub provider: String,
    /// The appointment's day and time, for a booking.
    pub day: String,
    pub time: String,
}

#[derive(Template)]
#[template(path = "kiosk/review.html")]
struct ReviewPage {
    top: TopBar,
    bookings: Vec<Item>,
    information: Vec<Item>,
    /// The client's name as typed, shown again with its error.
    name: String,
    error: Option<String>,
    /// Said at the top: the plan changed while it was being submitted.
    problem: Option<String>,
}

impl ReviewPage {
    fn new(state: &AppState, top: TopBar, selections: &[Selection]) -> ReviewPage {
        let zone = &state.config.timezone;
        let item = |s: &Selection| Item {
            listing_id: s.listing_id.map(|l| l.to_string()).unwrap_or_default(),
            name: s.listing_name.clone(),
            provider: s.provider_name.clone(),
            day: s
                .slot_starts_at
                .map(|t| local_time::day(zone, t))
                .unwrap_or_default(),
            time: s
                .slot_starts_at
                .map(|t| local_time::time_of_day(zone, t))
                .unwrap_or_default(),
        };
        let (bookings, information): (Vec<&Selection>, Vec<&Selection>) = selections
            .iter()
            .partition(|s| s.kind == ListingKind::Booking);
        ReviewPage {
            top,
            bookings: bookings.into_iter().map(item).collect(),
            information: information.into_iter().map(item).collect(),
            name: String::new(),
            error: None,
            problem: None,
        }
    }
}

async fn review_page(
    State(state): State<AppState>,
    page: KioskPage,
) -> Result<Response, PageError> {
    step_page(&state, page, Step::Review, |current| {
        render(&ReviewPage::new(
            &state,
            current.top,
            &current.session.selections,
        ))
    })
    .await
}

#[derive(Deserialize, Default)]
struct SubmitForm {
    #[serde(default)]
    client_name: String,
}

/// Submit: the plan is recorded and the print page follows; an empty plan just ends the
/// session. A missing name is asked for again; a hold that lapsed sends the client back to
/// choose another time.
async fn submit_plan(
    State(state): State<AppState>,
    page: KioskPage,
    PageForm(form): PageForm<SubmitForm>,
) -> Result<Response, PageError> {
    let Some(current) = page.current else {
        return Ok(super::welcome_page(&state, &page.kiosk, page.ended));
    };
    let selections = &current.session.selections;
    let booking = selections.iter().any(|s| s.kind == ListingKind::Booking);
    // The name is asked for with a booking only, and never kept without one.
    let name = Some(form.client_name.trim()).filter(|n| booking && !n.is_empty());
    let station = principal(&page.kiosk);
    let empty = selections.is_empty();
    match submit::submit(&state, &station, current.id, name).await {
        Ok(()) if empty => Ok(super::leave(&state)),
        Ok(()) => Ok(Redirect::to("/kiosk/print").into_response()),
        Err(error @ AppError::Validation(_)) => {
            let mut review = ReviewPage::new(&state, current.top, &current.session.selections);
            review.name = form.client_name;
            review.error = field_error(Some(&error), "client_name");
            Ok(render_status(error.status(), &review))
        }
        Err(AppError::State {
            code: "slot_taken",
            message,
        }) => {
            let page = KioskPage {
                current: Some(current),
                ..page
            };
            let problem = Some((StatusCode::CONFLICT, message));
            super::listings::show(&state, page, problem, Default::default()).await
        }
        Err(AppError::State {
            code: "plan_changed",
            message,
        }) => {
            // Changed in another tab meanwhile: the plan as it is now, to check again.
            let session =
                crate::service::kiosk::flow::current(&state, &station, current.id).await?;
            let mut review = ReviewPage::new(&state, current.top, &session.selections);
            review.problem = Some(message);
            Ok(render_status(StatusCode::CONFLICT, &review))
        }
        Err(AppError::State { code, .. }) => Ok(refused(&state, &page.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    listing_id: String,
    /// The page to go back to: `listings`, or the review.
    #[serde(default)]
    from: String,
    /// The part of step 4 the card was on.
    #[serde(default)]
    page: Option<String>,
}

/// Remove: the item leaves the plan (its hold released) and the page it was on shows again.
async fn remove(
    State(state): State<AppState>,
    page: KioskPage,
    PageForm(form): PageForm<RemoveForm>,
) -> Result<Response, PageError> {
    let Some(current) = &page.current else {
        return Ok(super::welcome_page(&state, &page.kiosk, page.ended));
    };
    let back = if form.from == "listings" {
        let page = super::paging::parse_page(form.page.as_deref()).unwrap_or(1);
        super::paging::Paging::link(page, "")
    } else {
        "/kiosk/review".to_owned()
    };
    // An item already gone (removed in another tab, or never there) leaves the plan as wanted.
    let Ok(listing) = form.listing_id.parse() else {
        return Ok(Redirect::to(&back).into_response());
    };
    match flow::remove_selection(&state, &principal(&page.kiosk), current.id, listing).await {
        Ok(()) | Err(AppError::NotFound) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::State { code, .. }) => Ok(refused(&state, &page.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}
