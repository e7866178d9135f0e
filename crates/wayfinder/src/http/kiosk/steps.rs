//! The steps of a kiosk session as pages: each GET shows the step with the answers kept so far,
//! each POST saves through the kiosk service and redirects to the next step.

use super::session::{Current, KioskPage, TopBar};
use super::{principal, welcome_page};
use crate::AppState;
use crate::auth::station::KioskStation;
use crate::error::AppError;
use crate::http::pages::{PageError, PageForm, render, render_status};
use crate::http::routes::{Access, Routes};
use crate::service::kiosk::{self, flow};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::kiosk::Step;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/consent", Access::Station, consent_page)
        .post("/kiosk/consent", Access::Station, give_consent)
        .merge(super::demographics::routes())
        .merge(super::categories::routes())
        .merge(super::listings::routes())
}

/// The page of a step.
pub fn path_of(step: Step) -> &'static str {
    match step {
        Step::Consent => "/kiosk/consent",
        Step::Demographics => "/kiosk/demographics",
        Step::Categories => "/kiosk/categories",
        Step::Listings => "/kiosk/listings",
        Step::Review => "/kiosk/review",
        Step::Ended => "/kiosk",
    }
}

#[derive(Template)]
#[template(path = "kiosk/consent.html")]
struct Consent {
    top: TopBar,
    /// Given before: Back to step 1 shows the box ticked.
    consented: bool,
    error: Option<String>,
}

/// A step page of a live session; a session that has ended, or none, shows the welcome.
pub(super) async fn step_page(
    state: &AppState,
    page: KioskPage,
    step: Step,
    show: impl FnOnce(Current) -> Response,
) -> Result<Response, PageError> {
    let Some(current) = page.current else {
        return Ok(welcome_page(state, &page.kiosk, page.ended));
    };
    match kiosk::visit(state, &principal(&page.kiosk), current.id, step).await {
        Ok(_) => Ok(show(current)),
        Err(AppError::State { code, .. }) => Ok(refused(state, &page.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}

/// Step 1: what is collected and why.
async fn consent_page(
    State(state): State<AppState>,
    page: KioskPage,
) -> Result<Response, PageError> {
    step_page(&state, page, Step::Consent, |current| {
        render(&Consent {
            consented: current.session.consented_at.is_some(),
            top: current.top,
            error: None,
        })
    })
    .await
}

#[derive(Deserialize)]
struct ConsentForm {
    #[serde(default)]
    consent: Option<String>,
}

/// The client agreed (or must be asked again).
async fn give_consent(
    State(state): State<AppState>,
    page: KioskPage,
    PageForm(form): PageForm<ConsentForm>,
) -> Result<Response, PageError> {
    let Some(current) = page.current else {
        return Ok(welcome_page(&state, &page.kiosk, page.ended));
    };
    let agreed = form.consent.as_deref() == Some("yes");
    match flow::consent(&state, &principal(&page.kiosk), current.id, agreed).await {
        Ok(()) => Ok(Redirect::to("/kiosk/demographics").into_response()),
        Err(error @ AppError::Validation(_)) => {
            let message = crate::http::pages::field_error(Some(&error), "consent");
            let page = Consent {
                top: current.top,
                consented: false,
                error: message,
            };
            Ok(render_status(error.status(), &page))
        }
        Err(AppError::State { code, .. }) => Ok(refused(&state, &page.kiosk, code)),
        Err(error) => Err(PageError(error)),
    }
}

/// A step the session may not enter: an ended session shows the welcome, a step not reached
/// yet sends the client to the first step (each page then leads on).
pub(super) fn refused(state: &AppState, kiosk: &KioskStation, code: &str) -> Response {
    if code == "session_ended" {
        welcome_page(state, kiosk, None)
    } else {
        Redirect::to("/kiosk/consent").into_response()
    }
}
