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

/// Where a person goes to sign in; it says so when their session has just ended.
pub fn sign_in_redirect(ended: bool) -> Redirect {
    Redirect::to(if ended {
        "/sign-in?session=ended"
    } else {
        "/sign-in"
    })
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
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |uri| uri.path().to_owned());
        if path.starts_with("/api/") {
            return Err(AppError::Unauthenticated.into_response());
        }
        let ended = parts.extensions.get::<session::SessionEnded>().is_some();
        Err(sign_in_redirect(ended).into_response())
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
