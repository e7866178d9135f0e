//! The one-time page that creates the first administrator.

use super::{PageError, PageForm, render, retry_form};
use crate::AppState;
use crate::auth::ClientOrigin;
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::service::accounts::NewAccountInput;
use crate::service::setup;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/setup", Access::Public, setup_page)
        .post("/setup", Access::Public, create_first_admin)
}

struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    max: usize,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/setup.html")]
struct SetupPage {
    token: String,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "pages/setup_done.html")]
struct SetupDone {
    email: String,
}

#[derive(Deserialize, Default)]
struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(flatten)]
    account: NewAccountInput,
}

impl SetupPage {
    fn new(token: String, input: &NewAccountInput, error: Option<&AppError>) -> Self {
        let error_for = |name: &str| {
            error
                .and_then(|e| e.fields())
                .and_then(|f| f.get(name))
                .cloned()
        };
        let field = |name, label, kind, autocomplete, max, value: &str| Field {
            name,
            label,
            kind,
            autocomplete,
            max,
            value: value.to_owned(),
            error: error_for(name),
        };
        Self {
            token,
            fields: vec![
                field(
                    "first_name",
                    "First name",
                    "text",
                    "given-name",
                    100,
                    &input.first_name,
                ),
                field(
                    "last_name",
                    "Last name",
                    "text",
                    "family-name",
                    100,
                    &input.last_name,
                ),
                field(
                    "email",
                    "Email address",
                    "email",
                    "email",
                    254,
                    &input.email,
                ),
            ],
        }
    }
}

async fn setup_page(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<SetupForm>,
) -> Result<Response, PageError> {
    if !setup::link_is_valid(&state, &query.token).await? {
        return Err(PageError(setup::invalid_link()));
    }
    Ok(render(&SetupPage::new(
        query.token,
        &NewAccountInput::default(),
        None,
    )))
}

async fn create_first_admin(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    PageForm(form): PageForm<SetupForm>,
) -> Result<Response, PageError> {
    match setup::complete(&state, origin, &form.token, &form.account).await {
        Ok(user) => Ok(render(&SetupDone {
            email: user.email.to_string(),
        })),
        Err(error) => retry_form(error, |error| {
            SetupPage::new(form.token, &form.account, Some(&error))
        }),
    }
}
