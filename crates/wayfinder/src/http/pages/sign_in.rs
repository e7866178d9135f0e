//! The sign-in pages: ask for an email, enter the code, confirm a magic link, sign out.

use super::{PageError, PageForm, render, sign_in_problem};
use crate::AppState;
use crate::auth::{self, ClientOrigin, CurrentUser};
use crate::error::AppError;
use crate::http::routes::{Access, Routes};
use crate::http::shared::QueryParams;
use crate::secrets::random_token;
use crate::service::sign_in;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use store::LinkState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/sign-in", Access::Public, sign_in_page)
        .post("/sign-in", Access::Public, request)
        .get("/sign-in/code", Access::Public, code_page)
        .post("/sign-in/code", Access::Public, verify_code)
        .get("/sign-in/link", Access::Public, link_page)
        .post("/sign-in/link", Access::Public, confirm_link)
        .post("/sign-out", Access::SignedIn, sign_out)
}

#[derive(Template, Default)]
#[template(path = "pages/sign_in.html")]
struct SignInPage {
    notice: Option<&'static str>,
    email: String,
    email_error: Option<String>,
    problem: Option<String>,
}

#[derive(Template, Default)]
#[template(path = "pages/code.html")]
struct CodePage {
    email: String,
    sent: bool,
    email_error: Option<String>,
    code_error: Option<String>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/link.html")]
struct LinkPage {
    token: String,
}

#[derive(Deserialize, Default)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize, Default)]
struct CodeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    sent: Option<String>,
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    token: String,
}

/// Renders a form page again with the error placed where it belongs.
fn with_error<T: Template>(
    mut page: T,
    error: AppError,
    place: impl FnOnce(&mut T, &AppError),
) -> Response {
    if matches!(error, AppError::Internal(_)) {
        return PageError(error).into_response();
    }
    place(&mut page, &error);
    let mut response = (error.status(), render(&page)).into_response();
    error.decorate(&mut response);
    response
}

/// Told in plain words when a person was sent here because their session ended.
const SESSION_ENDED: &str =
    "Your session ended, so you were signed out. Please sign in again to continue.";

/// Told after Sign out.
const SIGNED_OUT: &str = "You have signed out.";

/// The sign-in page. A `next` naming a page of this site is remembered in a cookie until the
/// sign-in ends, by code or by link, and the person lands there (issue 12).
async fn sign_in_page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    jar: CookieJar,
    extensions: axum::http::Extensions,
) -> Response {
    let query = query.unwrap_or_default();
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let next = param("next").filter(|p| domain::return_path::same_site_path(p).is_some());
    if CurrentUser::of(&extensions).is_some() {
        return Redirect::to(next.as_deref().unwrap_or("/")).into_response();
    }
    let ended = param("session").is_some_and(|v| v == "ended")
        || extensions.get::<auth::session::SessionEnded>().is_some();
    let notice = if ended {
        Some(SESSION_ENDED)
    } else {
        param("signed_out").map(|_| SIGNED_OUT)
    };
    let page = render(&SignInPage {
        notice,
        ..Default::default()
    });
    match next {
        Some(next) => (jar.add(auth::return_cookie(&state.config, next)), page).into_response(),
        None => page,
    }
}

/// Where a finished sign-in lands: the remembered page, checked once more, or the start.
fn landing(state: &AppState, jar: CookieJar) -> (CookieJar, Redirect) {
    let name = auth::return_cookie_name(&state.config);
    let to = jar
        .get(name)
        .map(|c| c.value().to_owned())
        .filter(|p| domain::return_path::same_site_path(p).is_some())
        .unwrap_or_else(|| "/".to_owned());
    (
        jar.add(auth::removal(&state.config, name)),
        Redirect::to(&to),
    )
}

async fn request(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    PageForm(form): PageForm<EmailForm>,
) -> Response {
    let browser = random_token();
    match sign_in::request(&state, origin, &form.email, &browser).await {
        Ok(()) => {
            let email = form.email.trim().to_lowercase();
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("email", &email)
                .append_pair("sent", "1")
                .finish();
            let jar = jar.add(auth::pending_cookie(&state.config, browser));
            (jar, Redirect::to(&format!("/sign-in/code?{query}"))).into_response()
        }
        Err(error) => {
            let page = SignInPage {
                email: form.email,
                ..Default::default()
            };
            with_error(page, error, |page, error| match error.fields() {
                Some(fields) => page.email_error = fields.get("email").cloned(),
                None => page.problem = Some(error.to_string()),
            })
        }
    }
}

async fn code_page(QueryParams(query): QueryParams<CodeForm>) -> Response {
    render(&CodePage {
        email: query.email,
        sent: query.sent.is_some(),
        ..Default::default()
    })
}

async fn verify_code(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    PageForm(form): PageForm<CodeForm>,
) -> Response {
    let pending = auth::pending_cookie_name(&state.config);
    let browser = jar.get(pending).map(|c| c.value().to_owned());
    match sign_in::verify_code(&state, origin, &form.email, &form.code, browser.as_deref()).await {
        Ok(signed_in) => {
            let jar = jar
                .add(auth::removal(&state.config, pending))
                .add(auth::session_cookie(&state.config, signed_in.session_token));
            landing(&state, jar).into_response()
        }
        Err(error) => {
            let page = CodePage {
                email: form.email,
                ..Default::default()
            };
            with_error(page, error, |page, error| match error.fields() {
                Some(fields) => {
                    page.email_error = fields.get("email").cloned();
                    page.code_error = fields.get("code").cloned();
                }
                None => page.problem = Some(error.to_string()),
            })
        }
    }
}

/// GET and HEAD show a confirm button and consume nothing, so mail scanners do no harm.
async fn link_page(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<TokenForm>,
) -> Result<Response, PageError> {
    let link = if query.token.is_empty() || query.token.len() > 100 {
        LinkState::Unknown
    } else {
        sign_in::link_state(&state, &query.token).await?
    };
    Ok(match link {
        LinkState::Live => render(&LinkPage { token: query.token }),
        other => sign_in_problem(sign_in::link_problem(other)),
    })
}

async fn confirm_link(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    match sign_in::confirm_link(&state, origin, &form.token).await {
        Ok(signed_in) => {
            let jar = jar.add(auth::session_cookie(&state.config, signed_in.session_token));
            landing(&state, jar).into_response()
        }
        Err(error @ AppError::BadRequest { .. }) => sign_in_problem(error),
        Err(error) => PageError(error).into_response(),
    }
}

async fn sign_out(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    current: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    sign_in::sign_out(&state, origin, &current.user, &current.session_token).await?;
    let name = auth::session_cookie_name(&state.config);
    let jar = jar.add(auth::removal(&state.config, name));
    Ok((
        StatusCode::SEE_OTHER,
        jar,
        [(axum::http::header::LOCATION, "/sign-in?signed_out=1")],
    )
        .into_response())
}
