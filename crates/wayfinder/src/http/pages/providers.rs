//! The Providers section's pages: the grid, Add Provider, and a provider's Profile and Members
//! tabs (the listings tabs live in `listings`), with delete and the fallback setting.

use super::{
    Nav, PageError, PageForm, Pager, done, field_error, notice_text, render, render_status,
};
use crate::AppState;
use crate::auth::{AdminUser, CurrentUser};
use crate::error::AppError;
use crate::http::api::{ApiQuery, path_id};
use crate::service::providers::{self, ProviderInput};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::{PageNumber, Provider, ProviderId, User};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/providers", get(index).post(create))
        .route("/providers/new", get(new_form))
        .route("/providers/{id}", get(profile).post(update))
        .route("/providers/{id}/members", get(members).post(add_member))
        .route(
            "/providers/{id}/members/{user_id}/remove",
            post(remove_member),
        )
        .route("/providers/{id}/fallback", post(fallback))
        .route("/providers/{id}/delete", get(confirm_delete).post(delete))
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
    is_admin: bool,
    providers: Vec<Provider>,
    pager: Pager,
}

async fn index(
    State(state): State<AppState>,
    current: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (providers, total) = providers::list(&state, &current.user, page).await?;
    Ok(render(&IndexPage {
        nav: Nav::new(&current, "/providers"),
        notice: notice_text(query.notice.as_deref()),
        is_admin: current.user.is_admin(),
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

async fn new_form(AdminUser(admin): AdminUser) -> Response {
    render(&ProfilePage {
        nav: Nav::new(&admin, "/providers"),
        notice: None,
        provider: None,
        can_edit: true,
        form: ProviderForm::default(),
        error: None,
    })
}

async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PageForm(form): PageForm<ProviderForm>,
) -> Result<Response, PageError> {
    match providers::create(&state, &admin.actor(), &form.input()).await {
        Ok(provider) => Ok(done(
            &format!("/providers/{}", provider.id),
            "provider-added",
        )),
        Err(error @ AppError::Validation(_)) => {
            let status = error.status();
            let nav = Nav::new(&admin, "/providers");
            let page = ProfilePage {
                nav,
                notice: None,
                provider: None,
                can_edit: true,
                form,
                error: Some(error),
            };
            Ok(render_status(status, &page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn visible(state: &AppState, user: &User, id: &str) -> Result<Provider, PageError> {
    Ok(providers::visible(state, user, path_id::<ProviderId>(id)?).await?)
}

async fn profile(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, PageError> {
    let provider = visible(&state, &current.user, &id).await?;
    Ok(render(&ProfilePage {
        nav: Nav::new(&current, "/providers"),
        notice: notice_text(query.notice.as_deref()),
        can_edit: current.user.is_admin(),
        form: ProviderForm::of(&provider),
        provider: Some(provider),
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ProviderForm>,
) -> Result<Response, PageError> {
    let provider_id = path_id(&id)?;
    match providers::update(&state, &current.user, provider_id, &form.input()).await {
        Ok(_) => Ok(done(&format!("/providers/{id}"), "provider-saved")),
        Err(error @ AppError::Validation(_)) => {
            let provider = visible(&state, &current.user, &id).await?;
            let status = error.status();
            let nav = Nav::new(&current, "/providers");
            let page = ProfilePage {
                nav,
                notice: None,
                provider: Some(provider),
                can_edit: true,
                form,
                error: Some(error),
            };
            Ok(render_status(status, &page))
        }
        Err(error) => Err(error.into()),
    }
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
    let provider = visible(state, &current.user, id).await?;
    let (members, total) = providers::members(state, &current.user, provider.id, page).await?;
    let can_edit = current.user.is_admin();
    let candidates = if can_edit {
        state.store.non_members(provider.id, CANDIDATES).await?
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
    current: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, PageError> {
    let page = members_page(
        &state,
        &current,
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
    current: CurrentUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    let provider_id = path_id(&id)?;
    let user_id = form
        .user_id
        .parse()
        .map_err(|_| AppError::field("user_id", "Choose a person from the list."));
    let result = match user_id {
        Ok(user_id) => providers::add_member(&state, &current.user, provider_id, user_id)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(done(&format!("/providers/{id}/members"), "member-added")),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let message = error
                .fields()
                .and_then(|f| f.values().next().cloned())
                .unwrap_or_else(|| error.to_string());
            let page = members_page(
                &state,
                &current,
                &id,
                PageNumber::new(None),
                None,
                Some(message),
            )
            .await?;
            Ok(render_status(error.status(), &page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn remove_member(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    providers::remove_member(&state, &current.user, path_id(&id)?, path_id(&user_id)?).await?;
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
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<FallbackForm>,
) -> Result<Response, PageError> {
    let provider_id: ProviderId = path_id(&id)?;
    let (target, notice) = match form.action.as_str() {
        "clear" => (None, "fallback-cleared"),
        _ => (Some(provider_id), "fallback-set"),
    };
    providers::set_fallback(&state, &admin.actor(), target).await?;
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
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let provider = visible(&state, &admin.user, &id).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&admin, "/providers"),
        provider,
    }))
}

async fn delete(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    providers::delete(&state, &admin.user, path_id(&id)?).await?;
    Ok(done("/providers", "provider-deleted"))
}
