//! The Users section's pages: the grid of cards, Add User, Edit, Delete (admins only).

use super::provider_picker;
use super::{
    Flash, Nav, Notice, PageError, Pager, about_input, announce, encode_query, render,
    render_status,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::http::shared::path_id;
use crate::service::providers;
use crate::service::users::{self, UserCard};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{PageNumber, Permission, Viewer};
use serde::Deserialize;
use store::ProviderSummary;

mod card;
mod form;

use card::CardView;

use form::{create, edit_form, new_form, update};

pub fn routes() -> Routes {
    let manage = Access::Needs(Permission::ManageUsers);
    Routes::new()
        .get("/users", manage, index)
        .post("/users", manage, create)
        .get("/users/new", manage, new_form)
        .post("/users/{id}", manage, update)
        .get("/users/{id}/edit", manage, edit_form)
        .post("/users/{id}/invitation", manage, resend)
        .get("/users/{id}/delete", manage, confirm_delete)
        .post("/users/{id}/delete", manage, delete)
}

/// The Users section's pages all need this.
type Manager = Require<perm::ManageUsers>;

#[derive(Template)]
#[template(path = "pages/users/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<Notice>,
    q: String,
    role: String,
    sort: String,
    /// The status filter as chosen, and its choices.
    status: String,
    statuses: [(&'static str, &'static str); 4],
    /// The provider filter as typed (or the name of the one its id names).
    provider: String,
    suggestions: Vec<ProviderSummary>,
    cards: Vec<CardView>,
    pager: Pager,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndexQuery {
    q: Option<String>,
    role: Option<String>,
    provider: Option<String>,
    provider_id: Option<String>,
    /// `name` (the default), `last_sign_in` or `status`; anything else sorts by name.
    sort: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

impl IndexQuery {
    /// The filters as query parameters, for the pager's links.
    fn encoded(&self) -> String {
        encode_query(&[
            ("q", self.q.as_deref()),
            ("role", self.role.as_deref()),
            ("provider", self.provider.as_deref()),
            ("provider_id", self.provider_id.as_deref()),
            ("sort", self.sort.as_deref()),
            ("status", self.status.as_deref()),
        ])
    }
}

/// The provider filter: an id from a link, or a name typed into the filter.
async fn provider_filter(
    state: &AppState,
    viewer: &Viewer,
    query: &IndexQuery,
) -> Result<(String, Option<String>), AppError> {
    fn nonempty(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
    if let Some(id) = nonempty(&query.provider_id) {
        let ids: Vec<_> = id.parse().into_iter().collect();
        let name = providers::by_ids(state, viewer, &ids).await?.pop();
        let name = name.map(|p| p.name);
        return Ok((name.unwrap_or_default(), Some(id.to_owned())));
    }
    match nonempty(&query.provider) {
        Some(name) => {
            let id = providers::named(state, viewer, name, "provider").await?;
            Ok((name.to_owned(), Some(id.to_string())))
        }
        None => Ok((String::new(), None)),
    }
}

/// The order the Sort control chose; anything unknown sorts by name.
fn sort_of(sort: Option<&str>, now: time::OffsetDateTime) -> store::UserSort {
    match sort {
        Some("last_sign_in") => store::UserSort::LastSignIn,
        Some("status") => store::UserSort::Status(now),
        _ => store::UserSort::Name,
    }
}

async fn matching_cards(
    state: &AppState,
    viewer: &Viewer,
    query: &IndexQuery,
    page: PageNumber,
) -> Result<(String, Vec<UserCard>, i64), AppError> {
    let (provider, provider_id) = provider_filter(state, viewer, query).await?;
    let filter = users::UserQuery {
        q: query.q.clone(),
        role: query.role.clone(),
        provider_id,
        status: query.status.clone(),
        page: query.page,
    }
    .filter(state.now())?;
    let filter = store::UserFilter {
        sort: sort_of(query.sort.as_deref(), state.now()),
        ..filter
    };
    let (cards, total) = users::list(state, viewer, &filter, page).await?;
    Ok((provider, cards, total))
}

async fn index(
    State(state): State<AppState>,
    access: Manager,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<IndexQuery>,
) -> Result<Response, PageError> {
    let (admin, viewer) = (&access.current, &access.viewer);
    let page = PageNumber::new(query.page);
    let (provider, cards, total, problem) = match matching_cards(&state, viewer, &query, page).await
    {
        Ok((provider, cards, total)) => (provider, cards, total, None),
        // A filter that cannot be read shows no cards and says why, with what was typed.
        Err(AppError::Validation(fields)) => {
            let message = fields.values().cloned().collect::<Vec<_>>().join(" ");
            let typed = query.provider.clone().unwrap_or_default();
            (typed, Vec::new(), 0, Some(message))
        }
        Err(error) => return Err(error.into()),
    };
    let filters = query.encoded();
    Ok(render(&IndexPage {
        nav: Nav::new(admin, "/users"),
        notice,
        suggestions: provider_picker::suggestions(&state, viewer, Some(&provider)).await?,
        provider,
        q: query.q.unwrap_or_default(),
        role: query.role.unwrap_or_default(),
        sort: query.sort.unwrap_or_default(),
        status: query.status.unwrap_or_default(),
        statuses: users::STATUSES,
        cards: cards
            .iter()
            .map(|c| CardView::new(&state, c, viewer))
            .collect(),
        pager: Pager::new("/users", &filters, page.get(), total),
        problem,
    }))
}

async fn resend(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user = users::resend_invitation(&state, &access.viewer, path_id(&id)?).await?;
    let text = format!("A new invitation is on its way to {}.", user.email);
    Ok(announce(
        "/users",
        Notice::new(text).on(format!("user-{id}")),
    ))
}

#[derive(Template)]
#[template(path = "pages/users/delete.html")]
struct DeletePage {
    nav: Nav,
    id: String,
    name: String,
    email: String,
    providers: usize,
    problem: Option<String>,
}

impl DeletePage {
    fn new(current: &CurrentUser, id: String, card: &UserCard, problem: Option<String>) -> Self {
        Self {
            nav: Nav::new(current, "/users"),
            id,
            name: card.user.full_name(),
            email: card.user.email.to_string(),
            providers: card.providers.len(),
            problem,
        }
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let card = users::get(&state, &access.viewer, path_id(&id)?).await?;
    Ok(render(&DeletePage::new(&access.current, id, &card, None)))
}

async fn delete(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user_id = path_id(&id)?;
    let name = users::get(&state, &access.viewer, user_id)
        .await?
        .user
        .full_name();
    let error = match users::delete(&state, &access.viewer, user_id).await {
        Ok(()) => {
            return Ok(announce(
                "/users",
                Notice::new(format!("{name} was deleted.")),
            ));
        }
        Err(error) => about_input(error)?,
    };
    let card = users::get(&state, &access.viewer, user_id).await?;
    let page = DeletePage::new(&access.current, id, &card, Some(error.to_string()));
    Ok(render_status(error.status(), &page))
}
