//! Who is asking: the session cookie, the signed-in user, the client's address, and the
//! cross-site request guard.

pub mod csrf;
mod require;
pub mod session;
pub mod station;

pub use require::{Needs, Require, perm};

use crate::AppState;
use crate::config::Config;
use crate::error::{AppError, Result};
use crate::service::Origin;
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use domain::User;
use std::net::{IpAddr, SocketAddr};
use time::Duration;

/// The session cookie's name: with the `__Host-` prefix whenever the site is https.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.https {
        "__Host-wayfinder_session"
    } else {
        "wayfinder_session"
    }
}

/// The cookie that remembers, during a sign-in, the page first asked for (issue 12).
pub fn return_cookie_name(config: &Config) -> &'static str {
    if config.https {
        "__Host-wayfinder_return"
    } else {
        "wayfinder_return"
    }
}

pub fn return_cookie(config: &Config, path: String) -> Cookie<'static> {
    let validity = crate::service::sign_in::SIGN_IN_VALIDITY;
    cookie(config, return_cookie_name(config), path, Some(validity))
}

/// The pending-sign-in cookie that binds a sign-in code to the browser that asked for it.
pub fn pending_cookie_name(config: &Config) -> &'static str {
    if config.https {
        "__Host-wayfinder_pending"
    } else {
        "wayfinder_pending"
    }
}

fn cookie(
    config: &Config,
    name: &'static str,
    value: String,
    max_age: Option<Duration>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(config.https);
    if let Some(max_age) = max_age {
        cookie = cookie.max_age(max_age);
    }
    cookie.build()
}

pub fn session_cookie(config: &Config, token: String) -> Cookie<'static> {
    cookie(config, session_cookie_name(config), token, None)
}

pub fn pending_cookie(config: &Config, nonce: String) -> Cookie<'static> {
    let validity = crate::service::sign_in::SIGN_IN_VALIDITY;
    cookie(config, pending_cookie_name(config), nonce, Some(validity))
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(config: &Config, name: &'static str) -> Cookie<'static> {
    cookie(config, name, String::new(), Some(Duration::ZERO))
}

/// The signed-in user of this request, loaded fresh from the database.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session_token: String,
    pub csrf_token: String,
}

impl CurrentUser {
    /// The account as access control sees it (SPEC §2), for the services.
    pub fn viewer(&self) -> domain::Viewer {
        domain::Viewer::Account(self.user.clone())
    }
}

/// The user whose live session `token` names, if any.
pub async fn current_user(token: &str, state: &AppState) -> Result<Option<CurrentUser>> {
    let Some(user) = crate::service::sessions::live_user(state, token).await? else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        user,
        csrf_token: state.keys.csrf_token(token),
        session_token: token.to_owned(),
    }))
}

/// Where a person goes to sign in; it says so when their session has just ended, and carries
/// the page they asked for (`next`) when it is a same-site path to come back to.
pub fn sign_in_redirect(ended: bool, asked_for: Option<&str>) -> Redirect {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if ended {
        query.append_pair("session", "ended");
    }
    if let Some(path) = asked_for
        .and_then(domain::return_path::same_site_path)
        .filter(|path| *path != "/")
    {
        query.append_pair("next", path);
    }
    let query = query.finish();
    if query.is_empty() {
        Redirect::to("/sign-in")
    } else {
        Redirect::to(&format!("/sign-in?{query}"))
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    /// Not signed in: `401` for the API, a redirect to the sign-in page for people. The
    /// session was resolved by [`session::resolve`], which runs before every handler.
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        if let Some(user) = CurrentUser::of(&parts.extensions) {
            return Ok(user);
        }
        // Nested routers see their path without the prefix; the original tells API from page.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |uri| uri.0.clone());
        if uri.path().starts_with("/api/") {
            return Err(AppError::Unauthenticated.into_response());
        }
        let ended = parts.extensions.get::<session::SessionEnded>().is_some();
        // Only a page that was looked at is worth coming back to; a form's post is not.
        let asked_for = (parts.method == axum::http::Method::GET)
            .then(|| uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .flatten();
        Err(sign_in_redirect(ended, asked_for.as_deref()).into_response())
    }
}

/// The client's address: the socket peer, or the proxy's `X-Forwarded-For` when trusted.
pub struct ClientOrigin(pub Origin);

impl FromRequestParts<AppState> for ClientOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = state
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            // The last address is the one our proxy saw; earlier ones are the client's claims.
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
        Ok(ClientOrigin(Origin {
            ip: forwarded.or(peer),
        }))
    }
}
