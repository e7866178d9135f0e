//! The dashboard shell: the start page and the sections of the sidebar.

use super::{Nav, PageError, render};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::http::routes::{Access, Routes};
use crate::service::dashboard;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::Permission;
use store::{HomeFigures, ProviderSummary};

pub fn routes() -> Routes {
    Routes::new().get("/", Access::Needs(Permission::SeeProviders), home)
}

/// Home shows this many provider cards at most; the Providers section has the rest.
const HOME_PROVIDERS: i64 = 12;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    nav: Nav,
    first_name: String,
    /// No provider is assigned yet: the page says so and names whom to ask.
    unassigned: bool,
    providers: Vec<ProviderSummary>,
    /// How many providers the person may see in all (the page shows the first few).
    provider_total: i64,
    /// Name and email of each administrator, for a User who has no provider yet.
    admins: Vec<(String, String)>,
    /// The setup checklist while anything on it is left to do (administrators).
    checklist: Vec<Step>,
    /// The counts that lead to work (administrators, once there is something to count).
    counts: Vec<Count>,
}

/// One step of the setup checklist: a link that is ticked off once done.
struct Step {
    label: &'static str,
    href: &'static str,
    done: bool,
}

/// One linked figure.
struct Count {
    figure: i64,
    label: String,
    href: &'static str,
}

fn checklist(f: &HomeFigures) -> Vec<Step> {
    let step = |label, href, done| Step { label, href, done };
    let steps = vec![
        step("Add a provider", "/providers/new", f.providers > 0),
        step("Add categories", "/categories/new", f.categories > 0),
        step(
            "Choose the fallback provider",
            "/providers",
            f.fallback_chosen,
        ),
        // The first administrator is there already; the step is about everyone else.
        step("Add users", "/users/new", f.users > 1),
        step("Add a station", "/stations/new", f.stations > 0),
    ];
    if steps.iter().all(|s| s.done) {
        Vec::new()
    } else {
        steps
    }
}

fn counts(f: &HomeFigures) -> Vec<Count> {
    let plural = |n: i64, one: &str, many: &str| if n == 1 { one } else { many }.to_owned();
    let count = |figure, label, href| Count {
        figure,
        label,
        href,
    };
    if f.providers == 0 && f.users <= 1 {
        return Vec::new();
    }
    let (sessions, bookings) = (dashboard::SESSIONS_DAYS, dashboard::BOOKINGS_DAYS);
    vec![
        count(
            f.invitations_pending,
            plural(
                f.invitations_pending,
                "invitation pending",
                "invitations pending",
            ),
            "/users?status=pending",
        ),
        count(
            f.invitations_expired,
            plural(
                f.invitations_expired,
                "invitation expired",
                "invitations expired",
            ),
            "/users?status=expired",
        ),
        count(
            f.users_without_provider,
            plural(
                f.users_without_provider,
                "User with no provider",
                "Users with no provider",
            ),
            "/users?status=no-provider",
        ),
        count(
            f.recent_sessions,
            format!(
                "{} in the last {sessions} days",
                plural(f.recent_sessions, "kiosk session", "kiosk sessions")
            ),
            "/reports",
        ),
        count(
            f.upcoming_bookings,
            format!(
                "{} in the coming {bookings} days",
                plural(f.upcoming_bookings, "booking", "bookings")
            ),
            "/providers",
        ),
    ]
}

async fn home(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
) -> Result<Response, PageError> {
    let home = dashboard::home(&state, &access.viewer, HOME_PROVIDERS).await?;
    Ok(render(&HomePage {
        nav: Nav::new(&access.current, "/"),
        first_name: access.current.user.first_name.clone(),
        unassigned: home.unassigned,
        providers: home.providers,
        provider_total: home.provider_total,
        admins: home.admins,
        checklist: home.figures.as_ref().map(checklist).unwrap_or_default(),
        counts: home.figures.as_ref().map(counts).unwrap_or_default(),
    }))
}
