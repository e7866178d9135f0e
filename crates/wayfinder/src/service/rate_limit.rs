//! The limits of SPEC §4 and how a refused request is answered and audited.

use super::Origin;
use crate::AppState;
use crate::error::{AppError, Result};
use domain::audit::{Action, Actor, NewAuditEvent};
use store::RateRule;
use time::Duration;

/// At least 60 s between sign-in emails to one address, and at most 5 an hour.
pub const PER_ADDRESS: &[RateRule] = &[
    RateRule {
        window: Duration::seconds(60),
        max: 1,
    },
    RateRule {
        window: Duration::hours(1),
        max: 5,
    },
];
/// At most 30 sign-in requests per IP per 10 minutes.
pub const SIGN_IN_PER_IP: &[RateRule] = &[RateRule {
    window: Duration::minutes(10),
    max: 30,
}];
/// At most 60 code or link verifications per IP per 10 minutes.
pub const VERIFY_PER_IP: &[RateRule] = &[RateRule {
    window: Duration::minutes(10),
    max: 60,
}];

/// Counts one hit on `bucket`; a refused hit is audited and answered with `429`.
pub async fn check(
    state: &AppState,
    origin: Origin,
    bucket: &str,
    rules: &[RateRule],
    label: &str,
) -> Result<()> {
    let now = state.now();
    let Some(retry_after) = state.store.rate_limit_hit(bucket, now, rules).await? else {
        return Ok(());
    };
    let kind = bucket.split(':').next().unwrap_or(bucket);
    state
        .store
        .audit(
            NewAuditEvent::new(now, Actor::Anonymous, Action::RateLimited)
                .target("limit", kind, label)
                .outcome("refused")
                .ip(origin.ip_text())
                .details(serde_json::json!({ "retry_after_seconds": retry_after.whole_seconds() })),
        )
        .await?;
    Err(AppError::RateLimited { retry_after })
}
