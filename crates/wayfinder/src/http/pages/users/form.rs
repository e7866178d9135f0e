//! The Users section's Add User and Edit forms, with the provider picker.

use super::Manager;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::http::pages::provider_picker::{self, ProviderChoices};
use crate::http::pages::{
    Nav, Notice, PageError, RetryForm, about_input, announce, field_error, render, render_status,
};
use crate::http::shared::path_id;
use crate::service::users::{self, NewUser, UserChanges};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use store::ProviderSummary;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct UserForm {
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

    /// The problems listed at the top of the form, in the form's order.
    fn summary(&self) -> crate::http::pages::ErrorSummary {
        crate::http::pages::ErrorSummary::of(
            self.error.as_ref(),
            &[
                "first_name",
                "last_name",
                "email",
                "role",
                "provider_ids",
                "can_download_reports",
            ],
        )
    }

    fn checked(&self, provider: &ProviderSummary) -> bool {
        self.form.provider_ids.contains(&provider.id.to_string())
    }
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    access: Manager,
) -> Result<Response, PageError> {
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

pub(super) async fn create(
    State(state): State<AppState>,
    access: Manager,
    RetryForm(form, stale): RetryForm<UserForm>,
) -> Result<Response, PageError> {
    let input = NewUser {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: form.email.clone().unwrap_or_default(),
        role: form.role.clone(),
        provider_ids: form.provider_ids.clone(),
        can_download_reports: form.can_download_reports.is_some(),
    };
    let result = match (stale, &form.find) {
        (Some(stale), _) => Err(Some(stale)),
        (None, Some(_)) => Err(None),
        (None, None) => users::create(&state, &access.viewer, &input)
            .await
            .map_err(Some),
    };
    match result {
        Ok(user) => Ok(announce(
            "/users",
            Notice::new(format!(
                "{} was added. An invitation is on its way to {}.",
                user.full_name(),
                user.email
            ))
            .on(format!("user-{}", user.id)),
        )),
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

pub(super) async fn edit_form(
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

pub(super) async fn update(
    State(state): State<AppState>,
    access: Manager,
    Path(id): Path<String>,
    RetryForm(form, stale): RetryForm<UserForm>,
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
    let result = match (stale, &form.find) {
        (Some(stale), _) => Err(Some(stale)),
        (None, Some(_)) => Err(None),
        (None, None) => users::update(&state, &access.viewer, user_id, &changes)
            .await
            .map_err(Some),
    };
    match result {
        Ok(user) => Ok(announce(
            "/users",
            Notice::new(format!("The changes to {} were saved.", user.full_name()))
                .on(format!("user-{}", user.id)),
        )),
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
