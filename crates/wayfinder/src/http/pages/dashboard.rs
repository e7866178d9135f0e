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

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    nav: Nav,
    first_name: String,
    is_admin: bool,
    providers: Vec<ProviderSummary>,
    /// Name and email of each administrator, for a User who has no provider yet.
    admins: Vec<(String, String)>,
}

async fn overview(
    state: &AppState,
    current: &CurrentUser,
    here: &str,
) -> Result<Response, PageError> {
    let user = &current.user;
    let providers = state.store.visible_providers(user).await?;
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
        admins,
    }))
}

async fn home(State(state): State<AppState>, current: CurrentUser) -> Result<Response, PageError> {
    overview(&state, &current, "/").await
}
