//! The print page (SPEC §8.3): after Submit, for a while on that station only, the client's plan
//! to print and carry — never their name. Finish ends it for good: the session cookie goes, and
//! without it no request can name the plan again.

use super::principal;
use super::session::KioskPage;
use crate::AppState;
use crate::auth::station::KioskStation;
use crate::error::AppError;
use crate::http::pages::{PageError, render};
use crate::http::routes::{Access, Routes};
use crate::local_time::{day, time_of_day};
use crate::service::kiosk::submit::{self, PRINT_WINDOW, PrintPlan};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

pub fn routes() -> Routes {
    Routes::new()
        .get("/kiosk/print", Access::Station, print_page)
        .post("/kiosk/finish", Access::Station, finish)
}

/// An appointment as printed.
pub struct Appointment {
    pub provider: String,
    pub listing: String,
    pub day: String,
    pub time: String,
    pub duration: String,
    pub address: String,
    pub phone: String,
    pub bring: String,
    pub reference: String,
}

/// An information service as printed.
pub struct Service {
    pub provider: String,
    pub listing: String,
    pub description: String,
    pub eligibility: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Template)]
#[template(path = "kiosk/print.html")]
struct PrintPage {
    date: String,
    reference: String,
    appointments: Vec<Appointment>,
    services: Vec<Service>,
    /// Seconds until the page may no longer be shown: the script then reloads it, into the
    /// welcome (a `<meta>` refresh would be a time limit no one can adjust, WCAG 2.2.1).
    refresh: i64,
}

/// "30 minutes", "1 hour", "1 hour 30 minutes".
fn duration(minutes: i64) -> String {
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (minutes / 60, minutes % 60) {
        (0, m) => unit(m, "minute"),
        (h, 0) => unit(h, "hour"),
        (h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
    }
}

fn page(state: &AppState, plan: PrintPlan) -> PrintPage {
    let zone = &state.config.timezone;
    let left = plan.submitted_at + PRINT_WINDOW - state.now();
    PrintPage {
        date: day(zone, plan.submitted_at),
        reference: plan.reference,
        appointments: plan
            .appointments
            .into_iter()
            .map(|a| Appointment {
                provider: a.provider_name,
                listing: a.listing_name,
                day: day(zone, a.starts_at),
                time: time_of_day(zone, a.starts_at),
                duration: duration(a.duration_minutes),
                address: a.address,
                phone: a.phone,
                bring: a.eligibility_notes,
                reference: a.reference,
            })
            .collect(),
        services: plan
            .services
            .into_iter()
            .map(|s| Service {
                provider: s.provider_name,
                listing: s.listing_name,
                description: s.description,
                eligibility: s.eligibility_notes,
                phone: s.phone,
                email: s.email,
                address: s.address,
            })
            .collect(),
        refresh: left.whole_seconds().max(1),
    }
}

/// The plan of this browser's session, submitted on this station less than the window ago;
/// anything else is the welcome screen. A session still going continues where it was.
async fn print_page(State(state): State<AppState>, page: KioskPage) -> Result<Response, PageError> {
    if let Some(current) = &page.current {
        let step = crate::service::kiosk::step(&current.session);
        return Ok(Redirect::to(super::steps::path_of(step)).into_response());
    }
    let Some(id) = page.cookie_id else {
        return Ok(super::welcome_page(&state, &page.kiosk, page.ended));
    };
    match submit::print_plan(&state, &principal(&page.kiosk), id).await {
        Ok(plan) => Ok(render(&self::page(&state, plan))),
        Err(AppError::NotFound) => Ok(super::welcome_page(&state, &page.kiosk, page.ended)),
        Err(error) => Err(PageError(error)),
    }
}

/// Finish: the print page is gone and the kiosk is ready for the next client.
async fn finish(State(state): State<AppState>, _station: KioskStation) -> Response {
    super::leave(&state)
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_in_hours_and_minutes() {
        assert_eq!(duration(30), "30 minutes");
        assert_eq!(duration(60), "1 hour");
        assert_eq!(duration(1), "1 minute");
        assert_eq!(duration(150), "2 hours 30 minutes");
    }
}
