//! Passwordless sign-in (SPEC §4): request a code and link by email, then complete sign-in with
//! either; sessions (SPEC §5) begin here and end at sign-out.

use super::{Origin, rate_limit};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::mail;
use crate::secrets::{ct_eq, random_code, random_token};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{EmailAddress, User};
use store::{LinkState, NewSecret, SecretKind, SessionRecord};
use time::Duration;

/// How long a sign-in code and link stay valid.
pub const SIGN_IN_VALIDITY: Duration = Duration::minutes(10);
/// Wrong codes that kill the current code.
pub const MAX_CODE_ATTEMPTS: i64 = 5;

/// A session that has just begun; the token goes into the cookie and nowhere else.
pub struct SignedIn {
    pub user: User,
    pub session_token: String,
}

fn parse_email(input: &str) -> Result<EmailAddress> {
    EmailAddress::parse(input).map_err(|e| AppError::field("email", e.to_string()))
}

/// Accepts a sign-in request: checks the address's form and the limits (which count unknown
/// addresses exactly like known ones), then issues the email in the background. The caller
/// answers the same way, in the same time, whether the address has an account or not.
pub async fn request(state: &AppState, origin: Origin, email: &str, browser: &str) -> Result<()> {
    let email = parse_email(email)?;
    let ip = origin.ip_text().unwrap_or_default();
    rate_limit::check(
        state,
        origin,
        &format!("sign_in_ip:{ip}"),
        rate_limit::SIGN_IN_PER_IP,
        &ip,
    )
    .await?;
    let address_key = hex::encode(state.keys.hash("address", &[email.as_str()]));
    let bucket = format!("sign_in_address:{address_key}");
    rate_limit::check(
        state,
        origin,
        &bucket,
        rate_limit::PER_ADDRESS,
        email.as_str(),
    )
    .await?;

    // Whether the address has an account must not show in the answer's timing either: the
    // lookup, the secret, the email and the audit event happen after the answer has gone.
    let (state, browser) = (state.clone(), browser.to_owned());
    tokio::spawn(async move {
        if let Err(error) = issue(&state, origin, email, &browser).await {
            tracing::error!(error = %error, "a sign-in request could not be recorded");
        }
    });
    Ok(())
}

/// Issues the code and link to the account with this address, if there is one, and records the
/// request either way.
async fn issue(state: &AppState, origin: Origin, email: EmailAddress, browser: &str) -> Result<()> {
    let now = state.now();
    let event =
        NewAuditEvent::new(now, Actor::Anonymous, Action::SignInRequested).ip(origin.ip_text());
    let user = state.store.user_by_email(&email).await?;
    let mut tx = state.store.begin().await?;
    let Some(user) = user else {
        let event = event
            .target("user", "", email.as_str())
            .outcome("unknown_address");
        tx.commit(event).await?;
        return Ok(());
    };
    let (code, token) = (random_code(), random_token());
    tx.put_secret(&NewSecret {
        user_id: user.id,
        kind: SecretKind::SignIn,
        code_hash: state.keys.hash("code", &[&user.id.to_string(), &code]),
        token_hash: state.keys.hash("link", &[&token]),
        browser_hash: Some(state.keys.hash("browser", &[browser])),
        expires_at: now + SIGN_IN_VALIDITY,
        created_at: now,
    })
    .await?;
    let link = state.config.link(&format!("/sign-in/link?token={token}"));
    mail::queue(
        tx.as_mut(),
        state,
        mail::templates::sign_in(&user, &code, &link),
    )
    .await?;
    tx.commit(event.target("user", user.id, user.email.as_str()))
        .await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// The one answer to every code that does not sign in: wrong, expired, used, killed, from
/// another browser, or for an address without an account. One answer, so that a guess at a code
/// tells nothing about which addresses have accounts.
fn invalid_code() -> AppError {
    AppError::bad_request(
        "invalid_code",
        "This code is not valid: it may be mistyped, expired or already used. Check the newest \
         email, or request a new code.",
    )
}

/// Completes sign-in with a code: a sign-in code only in the browser that asked for it
/// (`browser`, the pending-sign-in cookie), an invitation code anywhere.
pub async fn verify_code(
    state: &AppState,
    origin: Origin,
    email: &str,
    code: &str,
    browser: Option<&str>,
) -> Result<SignedIn> {
    let ip = origin.ip_text().unwrap_or_default();
    rate_limit::check(
        state,
        origin,
        &format!("verify_ip:{ip}"),
        rate_limit::VERIFY_PER_IP,
        &ip,
    )
    .await?;
    let email = parse_email(email)?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field(
            "code",
            "Enter the 6-digit code from the email.",
        ));
    }
    let now = state.now();
    let failed = |label: &str| {
        NewAuditEvent::new(now, Actor::Anonymous, Action::SignInFailed)
            .target("user", "", label)
            .outcome("refused")
            .ip(origin.ip_text())
    };
    let Some(user) = state.store.user_by_email(&email).await? else {
        state
            .store
            .audit(failed(email.as_str()).details(serde_json::json!({"reason": "unknown_address"})))
            .await?;
        return Err(invalid_code());
    };
    let failed = |reason: &str| {
        failed(user.email.as_str())
            .target("user", user.id, user.email.as_str())
            .details(serde_json::json!({ "reason": reason, "method": "code" }))
    };
    // Counted before it is checked, atomically: parallel guesses cannot exceed the limit.
    let Some(attempt) = state.store.count_code_attempt(user.id, now).await? else {
        state.store.audit(failed("no_live_code")).await?;
        return Err(invalid_code());
    };
    let code_hash = state.keys.hash("code", &[&user.id.to_string(), code]);
    let browser_ok = match attempt.kind {
        SecretKind::Invitation => true,
        SecretKind::SignIn => match (browser, &attempt.browser_hash) {
            (Some(browser), Some(bound)) => ct_eq(&state.keys.hash("browser", &[browser]), bound),
            _ => false,
        },
    };
    if !(ct_eq(&code_hash, &attempt.code_hash) && browser_ok) {
        if attempt.attempts >= MAX_CODE_ATTEMPTS {
            let mut tx = state.store.begin().await?;
            tx.delete_secret(user.id).await?;
            let killed = NewAuditEvent::new(now, Actor::Anonymous, Action::SignInCodeKilled)
                .target("user", user.id, user.email.as_str())
                .ip(origin.ip_text());
            tx.record(failed(if browser_ok {
                "wrong_code"
            } else {
                "other_browser"
            }))
            .await?;
            tx.commit(killed).await?;
        } else {
            state
                .store
                .audit(failed(if browser_ok {
                    "wrong_code"
                } else {
                    "other_browser"
                }))
                .await?;
        }
        return Err(invalid_code());
    }
    let mut tx = state.store.begin().await?;
    if tx
        .take_secret_by_code(user.id, &code_hash, now)
        .await?
        .is_none()
    {
        return Err(invalid_code());
    }
    start_session(state, tx, origin, user, "code").await
}

/// What the confirm page of a magic link shows, without consuming anything.
pub async fn link_state(state: &AppState, token: &str) -> Result<LinkState> {
    let hash = state.keys.hash("link", &[token]);
    Ok(state.store.link_state(&hash, state.now()).await?)
}

/// The problem page for a link that cannot be used.
pub fn link_problem(link: LinkState) -> AppError {
    match link {
        LinkState::Expired => AppError::bad_request(
            "expired_link",
            "This link has expired. Request a new one to sign in.",
        ),
        _ => AppError::bad_request(
            "used_link",
            "This link has already been used or is no longer valid. Request a new one to sign in.",
        ),
    }
}

/// Completes sign-in with a magic link (from the confirm page's POST, never from a GET).
pub async fn confirm_link(state: &AppState, origin: Origin, token: &str) -> Result<SignedIn> {
    let ip = origin.ip_text().unwrap_or_default();
    rate_limit::check(
        state,
        origin,
        &format!("verify_ip:{ip}"),
        rate_limit::VERIFY_PER_IP,
        &ip,
    )
    .await?;
    let now = state.now();
    let hash = state.keys.hash("link", &[token]);
    let mut tx = state.store.begin().await?;
    let Some((user_id, _kind)) = tx.take_secret_by_token(&hash, now).await? else {
        drop(tx);
        let link = state.store.link_state(&hash, now).await?;
        let event = NewAuditEvent::new(now, Actor::Anonymous, Action::SignInFailed)
            .outcome("refused")
            .ip(origin.ip_text())
            .details(serde_json::json!({ "reason": "link_not_live", "method": "link" }));
        state.store.audit(event).await?;
        return Err(link_problem(link));
    };
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    start_session(state, tx, origin, user, "link").await
}

async fn start_session(
    state: &AppState,
    mut tx: Box<dyn store::Tx>,
    origin: Origin,
    user: User,
    method: &str,
) -> Result<SignedIn> {
    let now = state.now();
    let session_token = random_token();
    tx.mark_signed_in(user.id, now).await?;
    tx.insert_session(&SessionRecord {
        id_hash: state.keys.hash("session", &[&session_token]),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.config.session_max,
    })
    .await?;
    let actor = Actor::User {
        id: user.id,
        email: user.email.clone(),
    };
    tx.commit(
        NewAuditEvent::new(now, actor, Action::SignInSucceeded)
            .target("user", user.id, user.email.as_str())
            .ip(origin.ip_text())
            .details(serde_json::json!({ "method": method })),
    )
    .await?;
    let user = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(SignedIn {
        user,
        session_token,
    })
}

/// Ends the session on the server.
pub async fn sign_out(
    state: &AppState,
    origin: Origin,
    user: &User,
    session_token: &str,
) -> Result<()> {
    let mut tx = state.store.begin().await?;
    tx.delete_session(&state.keys.hash("session", &[session_token]))
        .await?;
    let actor = Actor::User {
        id: user.id,
        email: user.email.clone(),
    };
    tx.commit(
        NewAuditEvent::new(state.now(), actor, Action::SignedOut)
            .target("user", user.id, user.email.as_str())
            .ip(origin.ip_text()),
    )
    .await?;
    Ok(())
}
