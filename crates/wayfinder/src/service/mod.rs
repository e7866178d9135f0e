//! Use cases, shared by the HTML pages and the JSON API: each takes the state, who acts, and
//! parsed input, and does its work in one transaction with its audit event.

pub mod accounts;
pub mod audit_log;
pub mod categories;
pub mod providers;
pub mod rate_limit;
pub mod reports;
pub mod setup;
pub mod sign_in;
pub mod users;

use std::net::IpAddr;

/// Who is asking, as far as the network tells.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
}

impl Origin {
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}

/// Records that `user` was refused `what`, and returns the `403` to answer with.
pub async fn denied(
    state: &crate::AppState,
    user: &domain::User,
    what: &str,
) -> crate::error::AppError {
    use domain::audit::{Action, Actor, NewAuditEvent};
    let actor = Actor::User {
        id: user.id,
        email: user.email.clone(),
    };
    let event = NewAuditEvent::new(state.now(), actor, Action::AccessDenied)
        .target("section", what, what)
        .outcome("refused");
    match state.store.audit(event).await {
        Ok(()) => crate::error::AppError::Forbidden,
        Err(error) => error.into(),
    }
}
