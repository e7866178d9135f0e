//! Server-rendered pages: forms that work without JavaScript (POST → redirect → GET).

mod audit;
mod audit_words;
mod categories;
mod dashboard;
mod day_sheet;
mod error_summary;
mod flash;
mod listings;
mod members;
pub mod problem;
mod provider_picker;
mod providers;
mod reports;
mod reports_chart;
mod setup;
mod sign_in;
mod slots;
mod stations;
mod users;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::auth::csrf::StaleForm;
use crate::error::AppError;
use crate::http::routes::Routes;
use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use domain::Permission;
use serde::de::DeserializeOwned;

pub use error_summary::ErrorSummary;
pub use flash::{Flash, Notice, announce, carry};

/// Every page and form, each with who may reach it.
pub fn routes() -> Routes {
    Routes::new()
        .merge(sign_in::routes())
        .merge(setup::routes())
        .merge(dashboard::routes())
        .merge(users::routes())
        .merge(providers::routes())
        .merge(listings::routes())
        .merge(categories::routes())
        .merge(audit::routes())
        .merge(reports::routes())
        .merge(slots::routes())
        .merge(day_sheet::routes())
        .merge(stations::routes())
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
            _ if error.code() == "invalid_query" => "This page's address is not right",
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
    let start = ("/", "Go to the start page");
    problem_page_leading(status, title, message, request_id, start)
}

/// A problem page whose one button is `next` (its address and its words).
fn problem_page_leading(
    status: StatusCode,
    title: &str,
    message: &str,
    request_id: Option<&str>,
    (next_href, next_label): (&str, &str),
) -> Response {
    let page = ProblemPage {
        title,
        message,
        request_id,
        next_href,
        next_label,
    };
    let mut response = (status, render(&page)).into_response();
    response.extensions_mut().insert(problem::Problem {
        title: title.to_owned(),
        message: message.to_owned(),
        next: (next_href.into(), next_label.into()),
    });
    response
}

/// The answer to a page address whose query cannot be read: its button opens the same page
/// without the query (`path` is the matched route's own path, so it stays on this site).
pub fn bad_address(path: &str, message: String) -> Response {
    let error = AppError::bad_request("invalid_query", message);
    let same_site = path.starts_with('/') && !path.starts_with("//") && !path.contains('\\');
    let next = (
        if same_site { path } else { "/" },
        "Open the page from the start",
    );
    let title = "This page's address is not right";
    let mut response = problem_page_leading(error.status(), title, &error.to_string(), None, next);
    error.decorate(&mut response);
    response
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

/// Told when a form's token was missing or no longer the session's (issue 12).
pub const STALE_FORM: &str = "This page was open too long; your changes were not saved. Try again.";

/// The answer to a stale form that is not shown again: the message, inside the layout.
pub fn stale_form_page() -> Response {
    problem_page(
        StatusCode::FORBIDDEN,
        "This page was open too long",
        STALE_FORM,
        None,
    )
}

/// A form body for a page: a body that cannot be read is a clear `400`, too large a `413`. A
/// form whose token was stale is refused with the stale-form page: nothing is changed.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        if request.extensions().get::<StaleForm>().is_some() {
            return Err(stale_form_page());
        }
        read_form(request, state)
            .await
            .map(PageForm)
            .map_err(IntoResponse::into_response)
    }
}

/// A form body that comes back with the stale-form error instead of being acted on when its
/// token was stale, so that its handler shows the form again with what was typed.
pub struct RetryForm<T>(pub T, pub Option<AppError>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for RetryForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        let stale = request.extensions().get::<StaleForm>().is_some();
        let form = read_form(request, state).await?;
        Ok(RetryForm(
            form,
            stale.then(|| AppError::conflict(None, STALE_FORM)),
        ))
    }
}

async fn read_form<T: DeserializeOwned, S: Send + Sync>(
    request: Request,
    state: &S,
) -> Result<T, PageError> {
    match Form::<T>::from_request(request, state).await {
        Ok(Form(value)) => Ok(value),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(PageError(AppError::PayloadTooLarge))
        }
        Err(_) => Err(PageError(AppError::bad_request(
            "invalid_form",
            "The form could not be read. Please go back and try again.",
        ))),
    }
}

/// One entry of the sidebar.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the dashboard layout needs: the sidebar shows the sections the permissions open.
pub struct Nav {
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf_token: String,
    pub items: Vec<NavItem>,
}

/// The sections of the sidebar and the permission that opens each (SPEC §2).
const SECTIONS: [(&str, &str, Permission); 7] = [
    ("/", "Home", Permission::SeeProviders),
    ("/providers", "Providers", Permission::SeeProviders),
    ("/categories", "Categories", Permission::ManageCategories),
    ("/users", "Users", Permission::ManageUsers),
    ("/reports", "Reports", Permission::DownloadReports),
    ("/stations", "Stations", Permission::ManageStations),
    ("/audit", "Audit", Permission::ViewAudit),
];

impl Nav {
    pub fn new(current: &CurrentUser, here: &str) -> Self {
        let user = &current.user;
        let viewer = current.viewer();
        Self {
            user_name: user.full_name(),
            role_label: user.role.label(),
            csrf_token: current.csrf_token.clone(),
            items: SECTIONS
                .into_iter()
                .filter(|(_, _, permission)| viewer.may(*permission))
                .map(|(href, label, _)| NavItem {
                    href,
                    label,
                    current: href == here,
                })
                .collect(),
        }
    }
}

/// Links to the previous and next page of a list, keeping its other query parameters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `query` holds the list's other parameters, already encoded (`a=1&b=2`).
    pub fn new(path: &str, query: &str, page: i64, total: i64) -> Self {
        let pages = ((total + domain::PAGE_SIZE - 1) / domain::PAGE_SIZE).max(1);
        let link = |p: i64| {
            let sep = if query.is_empty() { "" } else { "&" };
            format!("{path}?{query}{sep}page={p}")
        };
        Self {
            page,
            pages,
            total,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

impl Pager {
    /// The grid's count: "12 users", or "Showing 51–100 of 312 users" over several pages.
    pub fn count(&self, one: &str, many: &str) -> String {
        let noun = if self.total == 1 { one } else { many };
        if self.pages <= 1 {
            return format!("{} {noun}", self.total);
        }
        let first = (self.page - 1) * domain::PAGE_SIZE + 1;
        let last = (self.page * domain::PAGE_SIZE).min(self.total);
        format!("Showing {first}–{last} of {} {noun}", self.total)
    }
}

/// Encodes query parameters, leaving out empty ones.
pub fn encode_query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            serializer.append_pair(key, value);
        }
    }
    serializer.finish()
}

/// A one-line confirmation after a change, chosen by a fixed key so no input is echoed.
pub fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "user-added" => "The user was added and their invitation is on its way.",
        "user-saved" => "The changes were saved.",
        "user-deleted" => "The user was deleted.",
        "invitation-sent" => "A new invitation is on its way.",
        "provider-added" => "The provider was added.",
        "provider-saved" => "The changes were saved.",
        "provider-deleted" => "The provider was deleted.",
        "fallback-set" => "This is now the fallback provider.",
        "fallback-cleared" => "There is no fallback provider now.",
        "member-added" => "The member was added.",
        "member-removed" => "The member was removed.",
        "category-added" => "The category was added.",
        "category-saved" => "The changes were saved.",
        "category-deleted" => "The category was deleted.",
        "slots-added" => "The slots were created.",
        "slot-removed" => "The slot was removed.",
        "booking-cancelled" => "The booking was cancelled and its slot removed.",
        "station-revoked" => "The station was revoked. Its link no longer works.",
        "listing-added" => "The listing was created.",
        "listing-saved" => "The changes were saved.",
        "listing-deleted" => "The listing was deleted.",
        _ => return None,
    })
}

/// A redirect (303) to a page that shows a fixed notice, once (see [`announce`]).
pub fn done(path: &str, notice: &str) -> Response {
    match notice_text(Some(notice)) {
        Some(text) => announce(path, Notice::new(text)),
        None => Redirect::to(path).into_response(),
    }
}

/// The field's message, if the error has one for it.
pub fn field_error(error: Option<&AppError>, field: &str) -> Option<String> {
    error
        .and_then(|e| e.fields())
        .and_then(|f| f.get(field))
        .cloned()
}

/// A form page answered again with its errors (`422`, `409`…) next to the fields.
pub fn render_status(status: StatusCode, page: &impl Template) -> Response {
    (status, render(page)).into_response()
}

/// A date and time for people, in the site's time zone: `2 March 2026, 09:00 UTC`.
pub fn when(state: &AppState, t: time::OffsetDateTime) -> String {
    crate::local_time::when(&state.config.timezone, t)
}

/// The form page once more, with its errors next to the fields and the error's status (`422`,
/// `409`), when the error is about what was typed; any other error is the answer itself.
pub fn retry_form<P: Template>(
    error: AppError,
    page: impl FnOnce(AppError) -> P,
) -> Result<Response, PageError> {
    let error = about_input(error)?;
    let status = error.status();
    Ok(render_status(status, &page(error)))
}

/// The error when it is about what was typed (validation, conflict); otherwise the page error
/// to answer with. For forms whose page must be loaded again before [`retry_form`] fits.
pub fn about_input(error: AppError) -> Result<AppError, PageError> {
    match error {
        AppError::Validation(_) | AppError::Conflict { .. } => Ok(error),
        other => Err(PageError(other)),
    }
}
