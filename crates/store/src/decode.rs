//! Checks shared by both backends when stored values become domain values again, and the
//! retention rules that both apply.

use crate::{SecretKind, StoreError, StoreResult};
use domain::{EmailAddress, Role};
use time::Duration;

/// How long an expired secret is kept, so that its link can still say "expired".
pub(crate) const EXPIRED_SECRET_KEPT: Duration = Duration::days(1);
/// The longest rate-limit window: older hits are swept.
pub(crate) const LONGEST_RATE_WINDOW: Duration = Duration::hours(1);

pub(crate) fn email(text: &str) -> StoreResult<EmailAddress> {
    EmailAddress::parse(text).map_err(|_| StoreError::Corrupt(format!("bad email {text:?}")))
}

pub(crate) fn role(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("role {text}")))
}

pub(crate) fn secret_kind(text: &str) -> StoreResult<SecretKind> {
    SecretKind::parse(text).ok_or_else(|| StoreError::Corrupt(format!("secret kind {text}")))
}

/// `%text%` for LIKE (lower-cased), with the wildcards in the text escaped by `\`.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

pub(crate) fn gender(text: Option<String>) -> StoreResult<Option<domain::Gender>> {
    text.map(|t| {
        domain::Gender::parse(&t).ok_or_else(|| StoreError::Corrupt(format!("gender {t}")))
    })
    .transpose()
}

pub(crate) fn indigenous_status(
    text: Option<String>,
) -> StoreResult<Option<domain::IndigenousStatus>> {
    text.map(|t| {
        domain::IndigenousStatus::parse(&t)
            .ok_or_else(|| StoreError::Corrupt(format!("indigenous status {t}")))
    })
    .transpose()
}
