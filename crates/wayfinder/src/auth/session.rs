//! The session cookie, resolved once per request before the CSRF guard: a live session becomes
//! the request's [`CurrentUser`]; a cookie that names no live session (ended by the idle timeout
//! or the absolute lifetime, signed out, its account deleted, or never issued) is treated as no
//! cookie at all, and the answer tells the browser to forget it. Otherwise the guard would demand
//! a CSRF token from the sign-in forms, which have none, and lock the browser out (issue 8).

use super::{CurrentUser, current_user, removal, session_cookie_name};
use crate::AppState;
use crate::error::AppError;
use crate::http::pages::PageError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

/// In a request's extensions when its session cookie named no live session.
#[derive(Clone, Copy, Debug)]
pub struct SessionEnded;

/// Requests that never need the session: no database lookup for them.
fn needs_no_session(path: &str) -> bool {
    path == "/healthz" || path.starts_with("/static/")
}

pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    if needs_no_session(path) {
        return next.run(request).await;
    }
    let name = session_cookie_name(&state.config);
    let jar = CookieJar::from_headers(request.headers());
    let Some(token) = jar.get(name).map(|c| c.value().to_owned()) else {
        return next.run(request).await;
    };
    match current_user(&token, &state).await {
        Ok(Some(user)) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Ok(None) => {
            without_cookie(request.headers_mut(), &jar, name);
            request.extensions_mut().insert(SessionEnded);
            let mut response = next.run(request).await;
            // A sign-in on this request sets a new session cookie, which must win.
            if !sets_cookie(response.headers(), name) {
                let forget = removal(&state.config, name).to_string();
                if let Ok(value) = HeaderValue::from_str(&forget) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(error) => error_response(api, error),
    }
}

fn error_response(api: bool, error: AppError) -> Response {
    if api {
        error.into_response()
    } else {
        PageError(error).into_response()
    }
}

/// Rewrites the `Cookie` header without `name`, so that nothing after this sees it.
fn without_cookie(headers: &mut HeaderMap, jar: &CookieJar, name: &str) {
    let rest = jar
        .iter()
        .filter(|c| c.name() != name)
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    headers.remove(header::COOKIE);
    if rest.is_empty() {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&rest) {
        headers.insert(header::COOKIE, value);
    }
}

fn sets_cookie(headers: &HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split_once('=').is_some_and(|(n, _)| n.trim() == name))
}

impl CurrentUser {
    /// The live session this request was resolved to, if any.
    pub fn of(extensions: &axum::http::Extensions) -> Option<CurrentUser> {
        extensions.get::<CurrentUser>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rewritten_cookie_header_keeps_every_other_cookie() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; wayfinder_session=dead; wayfinder_pending=n"),
        );
        let jar = CookieJar::from_headers(&headers);
        without_cookie(&mut headers, &jar, "wayfinder_session");
        let left = CookieJar::from_headers(&headers);
        assert!(left.get("wayfinder_session").is_none());
        assert_eq!(left.get("a").map(|c| c.value()), Some("1"));
        assert_eq!(left.get("wayfinder_pending").map(|c| c.value()), Some("n"));
    }

    #[test]
    fn a_lone_session_cookie_leaves_no_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("wayfinder_session=x"),
        );
        let jar = CookieJar::from_headers(&headers);
        without_cookie(&mut headers, &jar, "wayfinder_session");
        assert!(headers.get(header::COOKIE).is_none());
    }

    #[test]
    fn a_new_session_cookie_is_recognised_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::SET_COOKIE, HeaderValue::from_static("other=1"));
        assert!(!sets_cookie(&headers, "wayfinder_session"));
        headers.append(
            header::SET_COOKIE,
            HeaderValue::from_static("wayfinder_session=new; HttpOnly"),
        );
        assert!(sets_cookie(&headers, "wayfinder_session"));
    }
}
