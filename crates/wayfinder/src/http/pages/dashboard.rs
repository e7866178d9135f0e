//! The dashboard shell: the start page and the sections of the sidebar.

use super::{Nav, PageError, render};
use crate::AppState;
use crate::auth::CurrentUser;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use store::ProviderSummary;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// Home shows this many provider cards at most; the Providers section has the rest.
const HOME_PROVIDERS: i64 = 12;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    nav: Nav,
    first_name: String,
    is_admin: bool,
    providers: Vec<ProviderSummary>,
    /// How many providers the person may see in all (the page shows the first few).
    provider_total: i64,
    /// Name and email of each administrator, for a User who has no provider yet.
    admins: Vec<(String, String)>,
}

async fn overview(
    state: &AppState,
    current: &CurrentUser,
    here: &str,
) -> Result<Response, PageError> {
    let user = &current.user;
    let (providers, provider_total) =
        crate::service::providers::find(state, user, None, HOME_PROVIDERS).await?;
    let admins = if providers.is_empty() && !user.is_admin() {
        state
            .store
            .admins()
            .await?
            .iter()
            .map(|a| (a.full_name(), a.email.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&HomePage {
        nav: Nav::new(current, here),
        first_name: user.first_name.clone(),
        is_admin: user.is_admin(),
        providers,
        provider_total,
        admins,
    }))
}

async fn home(State(state): State<AppState>, current: CurrentUser) -> Result<Response, PageError> {
    overview(&state, &current, "/").await
}
