//! The Providers section's pages: the grid, Add Provider, and a provider's Profile and Members
//! tabs (the listings tabs live in `listings`), with delete and the fallback setting.

use super::{
    Nav, PageError, PageForm, Pager, RetryForm, about_input, done, field_error, notice_text,
    render, render_status, retry_form,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::members;
use crate::service::providers::{self, ProviderInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{PageNumber, Permission, Provider, ProviderId, User, Viewer};
use serde::Deserialize;

pub fn routes() -> Routes {
    use Permission::{ManageMembers, ManageProviders, SeeMembers, SeeProviders};
    let see = Access::Needs(SeeProviders);
    let manage = Access::Needs(ManageProviders);
    Routes::new()
        .get("/providers", see, index)
        .post("/providers", manage, create)
        .get("/providers/new", manage, new_form)
        .get("/providers/{id}", see, profile)
        // A member may see the provider: refused "not allowed" by the service, not "not found".
        .post("/providers/{id}", manage, update)
        .get(
            "/providers/{id}/members",
            Access::Needs(SeeMembers),
            members,
        )
        .post(
            "/providers/{id}/members",
            Access::Needs(ManageMembers),
            add_member,
        )
        .post(
            "/providers/{id}/members/{user_id}/remove",
            Access::Needs(ManageMembers),
            remove_member,
        )
        .post("/providers/{id}/fallback", manage, fallback)
        .get("/providers/{id}/delete", manage, confirm_delete)
        .post("/providers/{id}/delete", manage, delete)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/providers/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<&'static str>,
    /// Offers Add Provider.
    can_add: bool,
    /// What an empty grid says.
    empty_message: &'static str,
    providers: Vec<Provider>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (providers, total) = providers::list(&state, &access.viewer, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/providers"),
        notice: notice_text(query.notice.as_deref()),
        can_add: access.viewer.may(Permission::ManageProviders),
        empty_message: if access.scope.is_all() {
            "There are no providers yet."
        } else {
            "No provider is assigned to you yet. Ask an administrator to add you as a member."
        },
        providers,
        pager: Pager::new("/providers", "", page.get(), total),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProviderForm {
    name: String,
    description: String,
    booking_email: String,
    contact_email: String,
    phone: String,
    address: String,
}

impl ProviderForm {
    fn of(p: &Provider) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
            booking_email: p.booking_email.clone(),
            contact_email: p.contact_email.clone(),
            phone: p.phone.clone(),
            address: p.address.clone(),
        }
    }

    fn input(&self) -> ProviderInput {
        ProviderInput {
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            booking_email: Some(self.booking_email.clone()),
            contact_email: Some(self.contact_email.clone()),
            phone: Some(self.phone.clone()),
            address: Some(self.address.clone()),
        }
    }
}

/// The Profile tab, or the Add Provider page when `provider` is `None`.
#[derive(Template)]
#[template(path = "pages/providers/profile.html")]
struct ProfilePage {
    nav: Nav,
    notice: Option<&'static str>,
    provider: Option<Provider>,
    can_edit: bool,
    form: ProviderForm,
    error: Option<AppError>,
}

impl ProfilePage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }
}

async fn new_form(access: Require<perm::ManageProviders>) -> Response {
    render(&ProfilePage {
        nav: Nav::new(&access.current, "/providers"),
        notice: None,
        provider: None,
        can_edit: true,
        form: ProviderForm::default(),
        error: None,
    })
}

async fn create(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    RetryForm(form, stale): RetryForm<ProviderForm>,
) -> Result<Response, PageError> {
    let result = match stale {
        Some(stale) => Err(stale),
        None => providers::create(&state, &access.viewer, &form.input()).await,
    };
    match result {
        Ok(provider) => Ok(done(
            &format!("/providers/{}", provider.id),
            "provider-added",
        )),
        Err(error) => retry_form(error, |error| ProfilePage {
            nav: Nav::new(&access.current, "/providers"),
            notice: None,
            provider: None,
            can_edit: true,
            form,
            error: Some(error),
        }),
    }
}

async fn visible(state: &AppState, viewer: &Viewer, id: &str) -> Result<Provider, PageError> {
    Ok(providers::visible(state, viewer, path_id::<ProviderId>(id)?).await?)
}

async fn profile(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let provider = visible(&state, &access.viewer, &id).await?;
    Ok(render(&ProfilePage {
        nav: Nav::new(&access.current, "/providers"),
        notice: notice_text(query.notice.as_deref()),
        can_edit: providers::may(&access.viewer, Permission::ManageProviders),
        form: ProviderForm::of(&provider),
        provider: Some(provider),
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Path(id): Path<String>,
    RetryForm(form, stale): RetryForm<ProviderForm>,
) -> Result<Response, PageError> {
    let viewer = &access.viewer;
    let result = match stale {
        Some(stale) => Err(stale),
        None => providers::update(&state, viewer, path_id(&id)?, &form.input()).await,
    };
    let error = match result {
        Ok(_) => return Ok(done(&format!("/providers/{id}"), "provider-saved")),
        Err(error) => error,
    };
    let provider = visible(&state, viewer, &id).await?;
    retry_form(error, |error| ProfilePage {
        nav: Nav::new(&access.current, "/providers"),
        notice: None,
        provider: Some(provider),
        can_edit: true,
        form,
        error: Some(error),
    })
}

#[derive(Template)]
#[template(path = "pages/providers/members.html")]
struct MembersPage {
    nav: Nav,
    notice: Option<&'static str>,
    provider: Provider,
    can_edit: bool,
    members: Vec<User>,
    candidates: Vec<User>,
    pager: Pager,
    problem: Option<String>,
}

/// How many people the Add Member list offers at most.
const CANDIDATES: i64 = 1000;

async fn members_page(
    state: &AppState,
    current: &CurrentUser,
    id: &str,
    page: PageNumber,
    notice: Option<&'static str>,
    problem: Option<String>,
) -> Result<MembersPage, PageError> {
    let viewer = &current.viewer();
    let provider = visible(state, viewer, id).await?;
    let (members, total) = members::page(state, viewer, provider.id, page).await?;
    let can_edit = providers::may(viewer, Permission::ManageMembers);
    let candidates = if can_edit {
        members::candidates(state, viewer, provider.id, CANDIDATES).await?
    } else {
        Vec::new()
    };
    Ok(MembersPage {
        nav: Nav::new(current, "/providers"),
        notice,
        pager: Pager::new(&format!("/providers/{id}/members"), "", page.get(), total),
        provider,
        can_edit,
        members: members.into_iter().map(|m| m.user).collect(),
        candidates,
        problem,
    })
}

async fn members(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = members_page(
        &state,
        &access.current,
        &id,
        PageNumber::new(query.page),
        notice_text(query.notice.as_deref()),
        None,
    )
    .await?;
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MemberForm {
    user_id: String,
}

async fn add_member(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path(id): Path<String>,
    PageForm(form): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    let provider_id = path_id(&id)?;
    let result = match form.user_id.parse() {
        Ok(user_id) => members::add(&state, &access.viewer, provider_id, user_id)
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::field("user_id", "Choose a person from the list.")),
    };
    let error = match result {
        Ok(()) => return Ok(done(&format!("/providers/{id}/members"), "member-added")),
        Err(error) => about_input(error)?,
    };
    let message = error
        .fields()
        .and_then(|f| f.values().next().cloned())
        .unwrap_or_else(|| error.to_string());
    let first = PageNumber::new(None);
    let page = members_page(&state, &access.current, &id, first, None, Some(message)).await?;
    Ok(render_status(error.status(), &page))
}

async fn remove_member(
    State(state): State<AppState>,
    access: Require<perm::SeeMembers>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (provider_id, user_id) = (path_id(&id)?, path_id(&user_id)?);
    members::remove(&state, &access.viewer, provider_id, user_id).await?;
    Ok(done(&format!("/providers/{id}/members"), "member-removed"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FallbackForm {
    /// `set` or `clear`.
    action: String,
}

async fn fallback(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    Path(id): Path<String>,
    PageForm(form): PageForm<FallbackForm>,
) -> Result<Response, PageError> {
    let provider_id: ProviderId = path_id(&id)?;
    let (target, notice) = match form.action.as_str() {
        "clear" => (None, "fallback-cleared"),
        _ => (Some(provider_id), "fallback-set"),
    };
    providers::set_fallback(&state, &access.viewer, target).await?;
    Ok(done(&format!("/providers/{id}"), notice))
}

#[derive(Template)]
#[template(path = "pages/providers/delete.html")]
struct DeletePage {
    nav: Nav,
    provider: Provider,
}

async fn confirm_delete(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let provider = visible(&state, &access.viewer, &id).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&access.current, "/providers"),
        provider,
    }))
}

async fn delete(
    State(state): State<AppState>,
    access: Require<perm::ManageProviders>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    providers::delete(&state, &access.viewer, path_id(&id)?).await?;
    Ok(done("/providers", "provider-deleted"))
}
