//! The Providers section's pages: the grid, Add Provider, and a provider's Profile and Members
//! tabs (the listings tabs live in `listings`), with delete and the fallback setting.

use super::members::{add_member, members_tab, remove_member};
use super::{
    Flash, Nav, Notice, PageError, PageForm, Pager, RetryForm, announce, field_error, render,
    retry_form,
};
use crate::AppState;
use crate::auth::{Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::{QueryParams, path_id};
use crate::service::providers::{self, ProviderInput};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{PageNumber, Permission, Provider, ProviderId, Viewer};
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
            members_tab,
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
    /// Part of a provider's name (the grid's search).
    q: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "pages/providers/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<Notice>,
    /// Offers Add Provider.
    can_add: bool,
    /// What an empty grid says.
    empty_message: &'static str,
    providers: Vec<Provider>,
    pager: Pager,
    /// The search as typed.
    q: String,
    /// Why the search could not be read.
    problem: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    access: Require<perm::SeeProviders>,
    Flash(notice): Flash,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageNumber::new(query.page);
    let (q, problem) = match domain::text::parse_query(query.q.as_deref()) {
        Ok(q) => (q, None),
        Err(message) => (None, Some(message.to_string())),
    };
    let (providers, total) = match &problem {
        Some(_) => (Vec::new(), 0),
        None => providers::list(&state, &access.viewer, q.as_deref(), page).await?,
    };
    let filters = super::encode_query(&[("q", q.as_deref())]);
    Ok(render(&IndexPage {
        nav: Nav::new(&access.current, "/providers"),
        notice,
        can_add: access.viewer.may(Permission::ManageProviders),
        empty_message: if access.scope.is_all() {
            "There are no providers yet."
        } else {
            "No provider is assigned to you yet. Ask an administrator to add you as a member."
        },
        providers,
        pager: Pager::new("/providers", &filters, page.get(), total),
        q: query.q.unwrap_or_default(),
        problem,
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
    notice: Option<Notice>,
    provider: Option<Provider>,
    can_edit: bool,
    form: ProviderForm,
    error: Option<AppError>,
}

impl ProfilePage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(
            self.error.as_ref(),
            &[
                "name",
                "description",
                "booking_email",
                "contact_email",
                "phone",
                "address",
            ],
        )
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
        Ok(provider) => Ok(announce(
            &format!("/providers/{}", provider.id),
            Notice::new(format!("{} was added.", provider.name)),
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
    Flash(notice): Flash,
) -> Result<Response, PageError> {
    let provider = visible(&state, &access.viewer, &id).await?;
    Ok(render(&ProfilePage {
        nav: Nav::new(&access.current, "/providers"),
        notice,
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
        Ok(p) => {
            let text = format!("The changes to {} were saved.", p.name);
            return Ok(announce(&format!("/providers/{id}"), Notice::new(text)));
        }
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
    let target = (form.action != "clear").then_some(provider_id);
    let before = state.store.fallback_provider().await?;
    let chosen = providers::set_fallback(&state, &access.viewer, target).await?;
    let text = fallback_notice(chosen.as_ref(), before.as_ref());
    Ok(announce(&format!("/providers/{id}"), Notice::new(text)))
}

/// "Youth Pathways is now the fallback provider (it was Community Link)."
fn fallback_notice(chosen: Option<&Provider>, before: Option<&Provider>) -> String {
    let was = match before {
        Some(b) if chosen.is_some_and(|c| c.id == b.id) => " (it already was)".to_owned(),
        Some(b) => format!(" (it was {})", b.name),
        None => " (there was none before)".to_owned(),
    };
    match chosen {
        Some(c) => format!("{} is now the fallback provider{was}.", c.name),
        None => format!("There is no fallback provider now{was}."),
    }
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
    let provider = visible(&state, &access.viewer, &id).await?;
    providers::delete(&state, &access.viewer, provider.id).await?;
    let text = format!("{} was deleted.", provider.name);
    Ok(announce("/providers", Notice::new(text)))
}
