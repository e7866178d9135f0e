//! The Users section's pages: the grid of cards, Add User, Edit, Delete (admins only).

use super::{
    Nav, PageError, PageForm, Pager, done, encode_query, field_error, notice_text, render,
    render_status, when,
};
use crate::AppState;
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::http::api::ApiQuery;
use crate::http::api::path_id;
use crate::service::users::{self, NewUser, UserCard, UserChanges};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::{PageNumber, Provider, Role, User, UserStatus};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(index).post(create))
        .route("/users/new", get(new_form))
        .route("/users/{id}", post(update))
        .route("/users/{id}/edit", get(edit_form))
        .route("/users/{id}/invitation", post(resend))
        .route("/users/{id}/delete", get(confirm_delete).post(delete))
}

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
    fn new(card: &UserCard, now: time::OffsetDateTime, viewer: &User) -> Self {
        let user = &card.user;
        let status = match user.status(now) {
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
            can_resend: user.activated_at.is_none(),
            reports: (user.role == Role::User).then_some(if user.can_download_reports {
                "Allowed access to reports"
            } else {
                "No access to reports"
            }),
            undelivered: card.mail_undelivered,
            can_delete: user.id != viewer.id,
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
    provider_id: String,
    providers: Vec<Provider>,
    cards: Vec<CardView>,
    pager: Pager,
    problem: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IndexQuery {
    q: Option<String>,
    role: Option<String>,
    provider_id: Option<String>,
    page: Option<i64>,
    notice: Option<String>,
}

/// Every provider, for checkboxes and filters (pages of 50 would hide some).
async fn all_providers(state: &AppState, admin: &User) -> Result<Vec<Provider>, PageError> {
    let mut all = Vec::new();
    for page in 1.. {
        let (providers, total) = state
            .store
            .list_providers(admin, PageNumber::new(Some(page)))
            .await?;
        all.extend(providers);
        if all.len() as i64 >= total {
            break;
        }
    }
    Ok(all)
}

async fn index(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    ApiQuery(query): ApiQuery<IndexQuery>,
) -> Result<Response, PageError> {
    let api_query = crate::http::api::users::UserQuery {
        q: query.q.clone(),
        role: query.role.clone(),
        provider_id: query.provider_id.clone(),
        page: query.page,
    };
    let page = PageNumber::new(query.page);
    let (cards, total, problem) = match api_query.filter() {
        Ok(filter) => {
            let (cards, total) = users::list(&state, &filter, page).await?;
            (cards, total, None)
        }
        Err(error) => (
            Vec::new(),
            0,
            Some(
                error
                    .fields()
                    .map(|f| f.values().cloned().collect::<Vec<_>>().join(" "))
                    .unwrap_or_default(),
            ),
        ),
    };
    let filters = encode_query(&[
        ("q", query.q.as_deref()),
        ("role", query.role.as_deref()),
        ("provider_id", query.provider_id.as_deref()),
    ]);
    Ok(render(&IndexPage {
        nav: Nav::new(&admin, "/users"),
        notice: notice_text(query.notice.as_deref()),
        q: query.q.unwrap_or_default(),
        role: query.role.unwrap_or_default(),
        provider_id: query.provider_id.unwrap_or_default(),
        providers: all_providers(&state, &admin.user).await?,
        cards: cards
            .iter()
            .map(|c| CardView::new(c, state.now(), &admin.user))
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
}

#[derive(Template)]
#[template(path = "pages/users/form.html")]
struct FormPage {
    nav: Nav,
    /// `None` when adding.
    user_id: Option<String>,
    name: String,
    form: UserForm,
    providers: Vec<Provider>,
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

    fn checked(&self, provider: &Provider) -> bool {
        self.form.provider_ids.contains(&provider.id.to_string())
    }
}

async fn new_form(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
) -> Result<Response, PageError> {
    let providers = all_providers(&state, &admin.user).await?;
    let form = UserForm {
        role: "user".into(),
        ..Default::default()
    };
    Ok(render(&FormPage {
        nav: Nav::new(&admin, "/users"),
        user_id: None,
        name: String::new(),
        form,
        providers,
        error: None,
    }))
}

async fn create(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
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
    match users::create(&state, &admin.actor(), &input).await {
        Ok(_) => Ok(done("/users", "user-added")),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let providers = all_providers(&state, &admin.user).await?;
            let status = error.status();
            let nav = Nav::new(&admin, "/users");
            let page = FormPage {
                nav,
                user_id: None,
                name: String::new(),
                form,
                providers,
                error: Some(error),
            };
            Ok(render_status(status, &page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let card = users::get(&state, path_id(&id)?).await?;
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
    };
    let providers = all_providers(&state, &admin.user).await?;
    Ok(render(&FormPage {
        nav: Nav::new(&admin, "/users"),
        user_id: Some(id),
        name: user.full_name(),
        form,
        providers,
        error: None,
    }))
}

async fn update(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
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
    match users::update(&state, &admin.actor(), user_id, &changes).await {
        Ok(_) => Ok(done("/users", "user-saved")),
        Err(error @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let card = users::get(&state, user_id).await?;
            let providers = all_providers(&state, &admin.user).await?;
            let form = UserForm {
                email: Some(card.user.email.to_string()),
                ..form
            };
            let status = error.status();
            let page = FormPage {
                nav: Nav::new(&admin, "/users"),
                user_id: Some(id),
                name: card.user.full_name(),
                form,
                providers,
                error: Some(error),
            };
            Ok(render_status(status, &page))
        }
        Err(error) => Err(error.into()),
    }
}

async fn resend(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    users::resend_invitation(&state, &admin.actor(), path_id(&id)?).await?;
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

async fn confirm_delete(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let card = users::get(&state, path_id(&id)?).await?;
    Ok(render(&DeletePage {
        nav: Nav::new(&admin, "/users"),
        id,
        name: card.user.full_name(),
        email: card.user.email.to_string(),
        providers: card.providers.len(),
        problem: None,
    }))
}

async fn delete(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let user_id = path_id(&id)?;
    match users::delete(&state, &admin.actor(), user_id).await {
        Ok(()) => Ok(done("/users", "user-deleted")),
        Err(error @ AppError::Conflict { .. }) => {
            let card = users::get(&state, user_id).await?;
            let page = DeletePage {
                nav: Nav::new(&admin, "/users"),
                id,
                name: card.user.full_name(),
                email: card.user.email.to_string(),
                providers: card.providers.len(),
                problem: Some(error.to_string()),
            };
            Ok(render_status(error.status(), &page))
        }
        Err(error) => Err(error.into()),
    }
}
