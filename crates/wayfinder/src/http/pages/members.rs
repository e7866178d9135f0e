//! A provider's Members tab: the members, Remove, and Add Member's searchable picker, which
//! offers a bounded list of Users (never administrators, who see every provider) found by
//! name or email on the server, however many people there are.

use super::error_summary::Problem;
use super::{
    ErrorSummary, Flash, Nav, Notice, PageError, PageForm, Pager, about_input, announce,
    encode_query, render, render_status,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::shared::{QueryParams, path_id};
use crate::service::{members, providers};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{PageNumber, Permission, Provider, ProviderId, User};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "pages/providers/members.html")]
struct MembersPage {
    nav: Nav,
    notice: Option<Notice>,
    provider: Provider,
    can_edit: bool,
    members: Vec<User>,
    /// The picker's search as typed, the people it offers, and how many match in all.
    find: String,
    candidates: Vec<User>,
    matching: i64,
    pager: Pager,
    problem: Option<String>,
}

impl MembersPage {
    fn more(&self) -> bool {
        self.matching > self.candidates.len() as i64
    }

    /// The picker's problem, linked to the choices (or to the search when none are shown).
    fn summary(&self) -> ErrorSummary {
        let field = if self.candidates.is_empty() {
            "find"
        } else {
            "user_id"
        };
        ErrorSummary {
            items: self
                .problem
                .iter()
                .map(|message| Problem {
                    href: Some(field.to_owned()),
                    message: message.clone(),
                })
                .collect(),
        }
    }
}

/// How many people the Add Member picker offers at once: type more to narrow it.
pub const CANDIDATES: i64 = 20;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MembersQuery {
    page: Option<i64>,
    /// The picker's search: part of a name or email.
    find: Option<String>,
}

async fn members_page(
    state: &AppState,
    current: &CurrentUser,
    id: &str,
    query: &MembersQuery,
    notice: Option<Notice>,
    problem: Option<String>,
) -> Result<MembersPage, PageError> {
    let viewer = &current.viewer();
    let provider: Provider = providers::visible(state, viewer, path_id::<ProviderId>(id)?).await?;
    let page = PageNumber::new(query.page);
    let (members, total) = members::page(state, viewer, provider.id, page).await?;
    let can_edit = providers::may(viewer, Permission::ManageMembers);
    let (find, problem) = match domain::text::parse_query(query.find.as_deref()) {
        Ok(find) => (find, problem),
        Err(message) => (None, problem.or(Some(message))),
    };
    let (candidates, matching) = if can_edit {
        members::candidates(state, viewer, provider.id, find.as_deref(), CANDIDATES).await?
    } else {
        (Vec::new(), 0)
    };
    let keep = encode_query(&[("find", find.as_deref())]);
    Ok(MembersPage {
        nav: Nav::new(current, "/providers"),
        notice,
        pager: Pager::new(
            &format!("/providers/{id}/members"),
            &keep,
            page.get(),
            total,
        ),
        provider,
        can_edit,
        members: members.into_iter().map(|m| m.user).collect(),
        find: query.find.clone().unwrap_or_default(),
        candidates,
        matching,
        problem,
    })
}

pub(super) async fn members_tab(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path(id): Path<String>,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<MembersQuery>,
) -> Result<Response, PageError> {
    let page = members_page(&state, &access.current, &id, &query, notice, None).await?;
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct MemberForm {
    user_id: String,
    /// The picker's search, kept when the page is shown again.
    find: Option<String>,
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path(id): Path<String>,
    PageForm(form): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    let provider_id: ProviderId = path_id(&id)?;
    let provider = providers::visible(&state, &access.viewer, provider_id).await?;
    let result = match form.user_id.parse() {
        Ok(user_id) => members::add(&state, &access.viewer, provider_id, user_id).await,
        Err(_) => Err(AppError::field("user_id", "Choose a person to add.")),
    };
    let error = match result {
        Ok(user) => {
            let text = format!("{} was added to {}.", user.full_name(), provider.name);
            let notice = Notice::new(text).on(format!("member-{}", user.id));
            return Ok(announce(&format!("/providers/{id}/members"), notice));
        }
        Err(error) => about_input(error)?,
    };
    let message = error
        .fields()
        .and_then(|f| f.values().next().cloned())
        .unwrap_or_else(|| error.to_string());
    let query = MembersQuery {
        page: None,
        find: form.find,
    };
    let page = members_page(&state, &access.current, &id, &query, None, Some(message)).await?;
    Ok(render_status(error.status(), &page))
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (provider_id, user_id) = (path_id(&id)?, path_id(&user_id)?);
    let provider = providers::visible(&state, &access.viewer, provider_id).await?;
    let user = state.store.user_by_id(user_id).await?;
    members::remove(&state, &access.viewer, provider_id, user_id).await?;
    let name = user.map_or_else(|| "The member".to_owned(), |u| u.full_name());
    let text = format!("{name} was removed from {}.", provider.name);
    Ok(announce(
        &format!("/providers/{id}/members"),
        Notice::new(text),
    ))
}
