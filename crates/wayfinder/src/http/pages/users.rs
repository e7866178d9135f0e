//! The Users section's pages: the grid of cards, Add User, Edit, Delete (admins only).

use super::provider_picker::{self, ProviderChoices};
use super::{
    Nav, PageError, PageForm, Pager, about_input, done, encode_query, field_error, notice_text,
    render, render_status, when,
};
use crate::AppState;
use crate::auth::{CurrentUser, Require, perm};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::http::shared::path_id;
use crate::service::providers;
use crate::service::users::{self, NewUser, UserCard, UserChanges};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{PageNumber, Permission, Role, UserStatus, Viewer};
use serde::Deserialize;
use store::ProviderSummary;

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

/// What one card shows.
struct CardView {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    providers: Vec<String>,
    status: String,
    can_resend: bool,
    reports: Option<&'static str>,
    undelivered: bool,
    /// Nobody deletes their own account: the card offers no Delete for it.
    can_delete: bool,
}

impl CardView {
    fn new(state: &AppState, card: &UserCard, viewer: &Viewer) -> Self {
        let user = &card.user;
        let when = |t| when(state, t);
        let status = match user.status(state.now()) {
            UserStatus::Invited => format!(
                "Invitation pending, expires {}",
                when(user.invitation_expires_at)
            ),
            UserStatus::Expired => {
                format!("Invitation expired on {}", when(user.invitation_expires_at))
            }
            UserStatus::Active => match user.last_sign_in_at {
                Some(at) => format!("Active, last signed in {}", when(at)),
                None => "Active".into(),
            },
        };
        Self {
            id: user.id.to_string(),
            name: user.full_name(),
            email: user.email.to_string(),
            role: user.role.label(),
            providers: card
                .providers
                .iter()
                .map(|(_, name)| name.clone())
                .collect(),
            status,
            can_resend: users::may_resend(user),
            reports: (user.role == Role::User).then_some(if user.can_download_reports {
                "Allowed access to reports"
            } else {
                "No access to reports"
            }),
            undelivered: card.mail_undelivered,
            can_delete: users::may_delete(viewer, user),
        }
    }
}

#[derive(Template)]
#[template(path = "pages/users/index.html")]
struct IndexPage {
    nav: Nav,
    notice: Option<&'static str>,
    q: String,
    role: String,
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
    page: Option<i64>,
    notice: Option<String>,
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
        page: query.page,
    }
    .filter()?;
    let (cards, total) = users::list(state, viewer, &filter, page).await?;
    Ok((provider, cards, total))
}

async fn index(
    State(state): State<AppState>,
    access: Manager,
    QueryParams(query): QueryParams<IndexQuery>,
) -> Result<Response, PageError> {
    let (admin, viewer) = (&access.current, &access.viewer);
    let page = PageNumber::new(query.page);
    let (provider, cards, total, problem) = match matching_cards(&state, viewer, &query, page).await
    {
        Ok((provider, cards, total)) => (provider, cards, total, None),
        Err(error @ AppError::Validation(_)) => {
            let message = error
                .fields()
                .map(|f| f.values().cloned().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let typed = query.provider.clone().unwrap_or_default();
            (typed, Vec::new(), 0, Some(message))
        }
        Err(error) => return Err(error.into()),
    };
    let filters = encode_query(&[
        ("q", query.q.as_deref()),
        ("role", query.role.as_deref()),
        ("provider", query.provider.as_deref()),
        ("provider_id", query.provider_id.as_deref()),
    ]);
    Ok(render(&IndexPage {
        nav: Nav::new(admin, "/users"),
        notice: notice_text(query.notice.as_deref()),
        suggestions: provider_picker::suggestions(&state, viewer, Some(&provider)).await?,
        provider,
        q: query.q.unwrap_or_default(),
        role: query.role.unwrap_or_default(),
        cards: cards
            .iter()
            .map(|c| CardView::new(&state, c, viewer))
            .collect(),
        pager: Pager::new("/users", &filters, page.get(), total),
        problem,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserForm {
    first_name: String,
    last_name: String,
    email: Option<String>,
    role: String,
    provider_ids: Vec<String>,
    can_download_reports: Option<String>,
    /// The search typed into the provider picker.
    provider_search: String,
    /// Set by the picker's "Find providers" button: show matches, save nothing.
    find: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/users/form.html")]
struct FormPage {
    nav: Nav,
    /// `None` when adding.
    user_id: Option<String>,
    name: String,
    form: UserForm,
    providers: ProviderChoices,
    error: Option<AppError>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        field_error(self.error.as_ref(), field)
    }

    fn problem(&self) -> Option<String> {
        match &self.error {
            Some(AppError::Conflict { message, fields }) if fields.is_empty() => {
                Some(message.clone())
            }
            Some(error @ AppError::Validation(_)) => {
                Some(format!("{} See the messages below.", error))
            }
            _ => None,
        }
    }

    fn checked(&self, provider: &ProviderSummary) -> bool {
        self.form.provider_ids.contains(&provider.id.to_string())
    }
}

async fn new_form(State(state): State<AppState>, access: Manager) -> Result<Response, PageError> {
    let admin = &access.current;
    let form = UserForm {
        role: "user".into(),
        ..Default::default()
    };
    let providers = provider_picker::choices(&state, &access.viewer, &[], "").await?;
    Ok(render(&FormPage {
        nav: Nav::new(admin, "/users"),
        user_id: None,
        name: String::new(),
        form,
        providers,
        error: None,
    }))
}

async fn create(
    State(state): State<AppState>,
    access: Manager,
    PageForm(form): PageForm<UserForm>,
) -> Result<Response, PageError> {
    let input = NewUser {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: form.email.clone().unwrap_or_default(),
        role: form.role.clone(),
        provider_ids: form.provider_ids.clone(),
        can_download_reports: form.can_download_reports.is_some(),
    };
    let result = match form.find {
        Some(_) => Err(None),
        None => users::create(&state, &access.viewer, &input)
            .await
            .map_err(Some),
    };
    match result {
        Ok(_) => Ok(done("/users", "user-added")),
        Err(error) => form_again(&state, &access.current, None, String::new(), form, error).await,
    }
}

/// The form once more, with what was typed: after an error, or to show the picker's matches.
async fn form_again(
    state: &AppState,
    admin: &CurrentUser,
    user_id: Option<String>,
    name: String,
    form: UserForm,
    error: Option<AppError>,
) -> Result<Response, PageError> {
    let error = error.map(about_input).transpose()?;
    let viewer = &admin.viewer();
    let providers =
        provider_picker::choices(state, viewer, &form.provider_ids, &form.provider_search).await?;
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, AppError::status);
    let page = FormPage {
        nav: Nav::new(admin, "/users"),
        user_id,
        name,
        form,
        providers,
        error,
    };
    Ok(render_status(status, &page))
}

async fn edit_form(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let card = users::get(&state, &access.viewer, path_id(&id)?).await?;
    let user = &card.user;
    let form = UserForm {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        email: Some(user.email.to_string()),
        role: user.role.as_str().into(),
        provider_ids: card
            .providers
            .iter()
            .map(|(id, _)| id.to_string())
            .collect(),
        can_download_reports: user.can_download_reports.then(|| "on".into()),
        ..Default::default()
    };
    let providers =
        provider_picker::choices(&state, &access.viewer, &form.provider_ids, "").await?;
    Ok(render(&FormPage {
        nav: Nav::new(&access.current, "/users"),
        user_id: Some(id),
        name: user.full_name(),
        form,
        providers,
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
    PageForm(form): PageForm<UserForm>,
) -> Result<Response, PageError> {
    let user_id = path_id(&id)?;
    let changes = UserChanges {
        first_name: Some(form.first_name.clone()),
        last_name: Some(form.last_name.clone()),
        role: Some(form.role.clone()),
        can_download_reports: Some(form.can_download_reports.is_some()),
        provider_ids: Some(form.provider_ids.clone()),
        // The page shows the email read-only and never sends it; a request that does is refused.
        email: form.email.clone().map(serde_json::Value::String),
    };
    let result = match form.find {
        Some(_) => Err(None),
        None => users::update(&state, &access.viewer, user_id, &changes)
            .await
            .map_err(Some),
    };
    match result {
        Ok(_) => Ok(done("/users", "user-saved")),
        Err(error) => {
            let card = users::get(&state, &access.viewer, user_id).await?;
            let (name, email) = (card.user.full_name(), card.user.email.to_string());
            let form = UserForm {
                email: Some(email),
                ..form
            };
            form_again(&state, &access.current, Some(id), name, form, error).await
        }
    }
}

async fn resend(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    users::resend_invitation(&state, &access.viewer, path_id(&id)?).await?;
    Ok(done("/users", "invitation-sent"))
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
    let error = match users::delete(&state, &access.viewer, user_id).await {
        Ok(()) => return Ok(done("/users", "user-deleted")),
        Err(error) => about_input(error)?,
    };
    let card = users::get(&state, &access.viewer, user_id).await?;
    let page = DeletePage::new(&access.current, id, &card, Some(error.to_string()));
    Ok(render_status(error.status(), &page))
}
