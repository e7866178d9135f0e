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
use store::ProviderSummary;

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
    }))
}
