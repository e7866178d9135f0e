//! The Stations section's pages (admins only): the list, Add Station, Replace link and Revoke.
//! A new link is the answer to the form that made it, so that it is shown this once; a reload
//! asks to send the form again rather than showing it from a cache (`no-store`).

use super::{
    Flash, Nav, Notice, PageError, PageForm, Pager, announce, field_error, render, retry_form,
};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::stations::{self, StationInput, WithLink};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::listing::Station;
use domain::{PageNumber, Permission};
use serde::Deserialize;

pub fn routes() -> Routes {
    let manage = Access::Needs(Permission::ManageStations);
    Routes::new()
        .get("/stations", manage, index)
        .post("/stations", manage, create)
        .get("/stations/new", manage, new_form)
        .post("/stations/{id}/link", manage, replace_link)
        .get("/stations/{id}/revoke", manage, confirm_revoke)
        .post("/stations/{id}/revoke", manage, revoke)
}

/// The Stations section's pages all need this.
type Manager = Require<perm::ManageStations>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<i64>,
}

/// One line of the list, its times in the site's zone.
struct Row {
    id: String,
    name: String,
    created: String,
    last_used: String,
    active: bool,
    revoked: String,
}

impl Row {
    fn new(state: &AppState, s: &Station) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            created: super::when(state, s.created_at),
            last_used: s
                .last_used_at
                .map_or_else(|| "Never".to_owned(), |t| super::when(state, t)),
            active: s.revoked_at.is_none(),
            revoked: s
                .revoked_at
                .map(|t| super::when(state, t))
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/stations/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<Notice>,
    stations: Vec<Row>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    access: Manager,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (found, total) = stations::list(&state, &access.viewer, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/stations"),
        notice,
        stations: found.iter().map(|s| Row::new(&state, s)).collect(),
        pager: Pager::new("/stations", "", page.get(), total),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StationForm {
    name: String,
}

#[derive(Template)]
#[template(path = "pages/stations/form.html")]
struct FormPage {
    nav: Nav,
    name: String,
    error: Option<AppError>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(self.error.as_ref(), &["name"])
    }
}

async fn new_form(access: Manager) -> Response {
    render(&FormPage {
        nav: Nav::new(&access.current, "/stations"),
        name: String::new(),
        error: None,
    })
}

#[derive(Template)]
#[template(path = "pages/stations/link.html")]
struct LinkPage {
    nav: Nav,
    name: String,
    link: String,
    replaced: bool,
}

fn link_page(access: &Manager, made: WithLink, replaced: bool) -> Response {
    render(&LinkPage {
        nav: Nav::new(&access.current, "/stations"),
        name: made.station.name,
        link: made.link,
        replaced,
    })
}

async fn create(
    State(state): State<AppState>,
    access: Manager,
    PageForm(form): PageForm<StationForm>,
) -> Result<Response, PageError> {
    let input = StationInput {
        name: Some(form.name.clone()),
    };
    match stations::create(&state, &access.viewer, &input).await {
        Ok(made) => Ok(link_page(&access, made, false)),
        Err(error) => retry_form(error, |error| FormPage {
            nav: Nav::new(&access.current, "/stations"),
            name: form.name,
            error: Some(error),
        }),
    }
}

async fn replace_link(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let made = stations::replace_link(&state, &access.viewer, path_id(&id)?).await?;
    Ok(link_page(&access, made, true))
}

#[derive(Template)]
#[template(path = "pages/stations/revoke.html")]
struct RevokePage {
    nav: Nav,
    id: String,
    name: String,
}

async fn confirm_revoke(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let station = stations::get(&state, &access.viewer, path_id(&id)?).await?;
    Ok(render(&RevokePage {
        nav: Nav::new(&access.current, "/stations"),
        id,
        name: station.name,
    }))
}

async fn revoke(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let station = stations::revoke(&state, &access.viewer, path_id(&id)?).await?;
    let text = format!("{} was revoked. Its link no longer works.", station.name);
    Ok(announce(
        "/stations",
        Notice::new(text).on(format!("station-{}", station.id)),
    ))
}
