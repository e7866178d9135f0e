//! Server-rendered pages: forms that work without JavaScript (POST → redirect → GET).

mod dashboard;
mod setup;
mod sign_in;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(setup::router())
        .merge(dashboard::router())
}

/// An error shown to a person as a page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        if matches!(error, AppError::Unauthenticated) {
            return Redirect::to("/sign-in").into_response();
        }
        let title = match error.status() {
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::TOO_MANY_REQUESTS => "Please wait a moment",
            StatusCode::PAYLOAD_TOO_LARGE => "Too much data",
            _ => "Something is not right",
        };
        let message = match &error {
            AppError::Validation(fields) => fields.values().cloned().collect::<Vec<_>>().join(" "),
            other => other.to_string(),
        };
        let mut response = problem_page(error.status(), title, &message, None);
        error.decorate(&mut response);
        response
    }
}

#[derive(Template)]
#[template(path = "pages/problem.html")]
struct ProblemPage<'a> {
    title: &'a str,
    message: &'a str,
    request_id: Option<&'a str>,
    next_href: &'a str,
    next_label: &'a str,
}

/// A page that explains a problem and offers the way back to the start.
pub fn problem_page(
    status: StatusCode,
    title: &str,
    message: &str,
    request_id: Option<&str>,
) -> Response {
    let page = ProblemPage {
        title,
        message,
        request_id,
        next_href: "/",
        next_label: "Go to the start page",
    };
    (status, render(&page)).into_response()
}

/// A sign-in problem (expired or used link or code), with the way to a new sign-in email.
pub fn sign_in_problem(error: AppError) -> Response {
    let page = ProblemPage {
        title: "This sign-in link cannot be used",
        message: &error.to_string(),
        request_id: None,
        next_href: "/sign-in",
        next_label: "Request a new sign-in email",
    };
    let mut response = (error.status(), render(&page)).into_response();
    error.decorate(&mut response);
    response
}

/// Renders a template; a template that fails to render is a bug, answered as a 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            AppError::Internal(anyhow::anyhow!("template failed: {error}")).into_response()
        }
    }
}

/// A form body for a page: a body that cannot be read is a clear `400`, too large a `413`.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(PageForm(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(PageError(AppError::PayloadTooLarge))
            }
            Err(_) => Err(PageError(AppError::bad_request(
                "invalid_form",
                "The form could not be read. Please go back and try again.",
            ))),
        }
    }
}

/// One entry of the sidebar.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the dashboard layout needs: the sidebar follows the role (SPEC §2).
pub struct Nav {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf_token: String,
    pub items: Vec<NavItem>,
}

impl Nav {
    pub fn new(current: &CurrentUser, here: &str) -> Self {
        let user = &current.user;
        let sections: [(&'static str, &'static str, bool); 5] = [
            ("/providers", "Providers", true),
            ("/categories", "Categories", user.is_admin()),
            ("/users", "Users", user.is_admin()),
            ("/reports", "Reports", user.may_download_reports()),
            ("/audit", "Audit", user.is_admin()),
        ];
        Self {
            user_name: user.full_name(),
            role_label: user.role.label(),
            csrf_token: current.csrf_token.clone(),
            items: sections
                .into_iter()
                .filter(|(_, _, allowed)| *allowed)
                .map(|(href, label, _)| NavItem {
                    href,
                    label,
                    current: href == here,
                })
                .collect(),
        }
    }
}
