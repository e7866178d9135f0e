//! PostgreSQL rows back into records.

use crate::audit_chain::StoredAuditEvent;
use crate::{CategoryWithCount, CodeAttempt, ProviderSummary, QueuedMail, StoreResult, decode};
use domain::{Category, CategoryId, Provider, ProviderId, User, UserId};
use sqlx::Row;
use sqlx::postgres::PgRow;

pub(super) fn user(row: &PgRow) -> StoreResult<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        email: decode::email(row.try_get("email")?)?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        role: decode::role(row.try_get("role")?)?,
        can_download_reports: row.try_get("can_download_reports")?,
        invited_at: row.try_get("invited_at")?,
        invitation_expires_at: row.try_get("invitation_expires_at")?,
        activated_at: row.try_get("activated_at")?,
        last_sign_in_at: row.try_get("last_sign_in_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(super) fn provider_summary(row: &PgRow) -> StoreResult<ProviderSummary> {
    Ok(ProviderSummary {
        id: ProviderId(row.try_get("id")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

pub(super) fn code_attempt(row: &PgRow) -> StoreResult<CodeAttempt> {
    Ok(CodeAttempt {
        kind: decode::secret_kind(row.try_get("kind")?)?,
        code_hash: row.try_get("code_hash")?,
        browser_hash: row.try_get("browser_hash")?,
        attempts: row.try_get("attempts")?,
    })
}

pub(super) fn queued_mail(row: &PgRow) -> StoreResult<QueuedMail> {
    Ok(QueuedMail {
        id: row.try_get("id")?,
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body_sealed: row
            .try_get::<Option<Vec<u8>>, _>("body_sealed")?
            .unwrap_or_default(),
        attempts: row.try_get("attempts")?,
        message_id: row.try_get("message_id")?,
    })
}

pub(super) fn audit_event(row: &PgRow) -> StoreResult<StoredAuditEvent> {
    Ok(StoredAuditEvent {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor_label: row.try_get("actor_label")?,
        action: row.try_get("action")?,
        target_kind: row.try_get("target_kind")?,
        target_id: row.try_get("target_id")?,
        target_label: row.try_get("target_label")?,
        outcome: row.try_get("outcome")?,
        ip: row.try_get("ip")?,
        details: row.try_get("details")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

pub(super) fn provider(row: &PgRow) -> StoreResult<Provider> {
    Ok(Provider {
        id: ProviderId(row.try_get("id")?),
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        booking_email: row.try_get("booking_email")?,
        contact_email: row.try_get("contact_email")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        is_fallback: row.try_get("is_fallback")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(super) fn category(row: &PgRow) -> StoreResult<CategoryWithCount> {
    Ok(CategoryWithCount {
        category: Category {
            id: CategoryId(row.try_get("id")?),
            name: row.try_get("name")?,
            colour: row.try_get("colour")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        },
        listing_count: row.try_get("listing_count")?,
    })
}
