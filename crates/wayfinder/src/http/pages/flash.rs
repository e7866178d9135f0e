//! One-time notices after a change ("Mia Tran was added."): carried from the redirect to the
//! next page in a short-lived sealed cookie, shown once and cleared, so that neither a reload
//! nor a bookmark brings them back. Sealed with the installation's key, so any instance reads
//! what another wrote; nothing is kept in process memory.

use crate::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::convert::Infallible;
use std::fmt;
use std::sync::{Arc, Mutex};

/// The cookie's name; it lives a minute at most (the redirect is followed at once).
const COOKIE: &str = "wayfinder_flash";
const MAX_AGE_SECONDS: i64 = 60;
/// Binds the sealed text to this purpose: no other sealed value reads as a notice.
const PURPOSE: &str = "wayfinder/flash";

/// What changed, in words, and the element id of the card it changed (to highlight it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub target: Option<String>,
}

impl Notice {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            target: None,
        }
    }

    /// Highlights the element with this id on the next page.
    pub fn on(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Whether the element with this id is the one that changed.
    pub fn targets(&self, id: &str) -> bool {
        self.target.as_deref() == Some(id)
    }

    /// Whether the card `kind-id` (such as `user-…`) is the one that changed.
    pub fn marks(&self, kind: &str, id: impl fmt::Display) -> bool {
        self.targets(&format!("{kind}-{id}"))
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A redirect (303) to `path` that shows `notice` there, once.
pub fn announce(path: &str, notice: Notice) -> Response {
    let mut response = Redirect::to(path).into_response();
    response.extensions_mut().insert(notice);
    response
}

/// The notice this request brought, if any: a page that takes it shows it, and the cookie
/// is cleared with that page (not with a script, stylesheet or API answer fetched meanwhile).
pub struct Flash(pub Option<Notice>);

/// The opened notice, waiting for the page that shows it.
#[derive(Clone, Default)]
struct Slot(Arc<Mutex<Option<Notice>>>);

impl Slot {
    fn take(&self) -> Option<Notice> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Flash {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Flash(parts.extensions.get::<Slot>().and_then(Slot::take)))
    }
}

/// Opens the flash cookie for the handler, clears it once a page was shown, and turns a
/// notice set on a redirect into the cookie.
pub async fn carry(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let now = state.now().unix_timestamp();
    let opened = jar.get(COOKIE).map(|c| open(&state, c.value(), now));
    let slot = Slot(Arc::new(Mutex::new(opened.clone().flatten())));
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let shown = opened.as_ref().is_some_and(Option::is_some) && slot.take().is_none();
    let unreadable = matches!(opened, Some(None));
    let cookie = match response.extensions_mut().remove::<Notice>() {
        Some(notice) => Some(cookie(&state, seal(&state, &notice, now), MAX_AGE_SECONDS)),
        // The page that showed the notice used it up; a cookie that cannot be read is dropped.
        None if shown || unreadable => Some(cookie(&state, String::new(), 0)),
        None => None,
    };
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c.to_string()).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn cookie(state: &AppState, value: String, max_age: i64) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(state.config.https)
        .max_age(time::Duration::seconds(max_age))
        .build()
}

/// `purpose \n expires \n target \n text`, sealed and encoded for a cookie.
fn seal(state: &AppState, notice: &Notice, now: i64) -> String {
    let target = notice.target.as_deref().unwrap_or_default();
    let expires = now + MAX_AGE_SECONDS;
    let plain = format!("{PURPOSE}\n{expires}\n{target}\n{}", notice.text);
    URL_SAFE_NO_PAD.encode(state.keys.seal(plain.as_bytes()))
}

/// The notice, when the cookie is ours, intact and not older than its minute.
fn open(state: &AppState, value: &str, now: i64) -> Option<Notice> {
    let sealed = URL_SAFE_NO_PAD.decode(value).ok()?;
    let plain = String::from_utf8(state.keys.open(&sealed)?).ok()?;
    let mut parts = plain.splitn(4, '\n');
    if parts.next()? != PURPOSE {
        return None;
    }
    let expires: i64 = parts.next()?.parse().ok()?;
    let target = parts.next()?;
    let text = parts.next()?;
    (now <= expires).then(|| Notice {
        text: text.to_owned(),
        target: (!target.is_empty()).then(|| target.to_owned()),
    })
}
