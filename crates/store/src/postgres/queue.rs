//! Rate limits and the mail queue on PostgreSQL, shared by every instance.

use super::rows;
use crate::{QueuedMail, RateRule, StoreResult};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

pub(super) async fn rate_limit_hit(
    pool: &PgPool,
    bucket: &str,
    now: OffsetDateTime,
    rules: &[RateRule],
) -> StoreResult<Option<Duration>> {
    let mut tx = pool.begin().await?;
    // One bucket's check-then-insert runs alone, whichever instance does it.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(bucket)
        .execute(&mut *tx)
        .await?;
    let mut wait = Duration::ZERO;
    for rule in rules {
        // The hit that must leave the window before another is allowed.
        let blocking: Option<OffsetDateTime> = sqlx::query_scalar(
            "SELECT at FROM rate_limit_hits WHERE bucket = $1 AND at > $2
             ORDER BY at DESC LIMIT 1 OFFSET $3",
        )
        .bind(bucket)
        .bind(now - rule.window)
        .bind(rule.max - 1)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(at) = blocking {
            wait = wait.max(at + rule.window - now);
        }
    }
    if wait > Duration::ZERO {
        return Ok(Some(wait));
    }
    sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2)")
        .bind(bucket)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(None)
}

pub(super) async fn claim_mail(
    pool: &PgPool,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
    owner: &str,
) -> StoreResult<Vec<QueuedMail>> {
    // SKIP LOCKED: two workers claiming at once take different messages; a row another
    // worker has just leased fails the re-checked lease condition and is left out.
    // Handed out oldest first, as SQLite does.
    sqlx::query(
        "WITH claimed AS (
           UPDATE mail_queue SET locked_until = $1, locked_by = $4, attempts = attempts + 1
           WHERE id IN (SELECT id FROM mail_queue
                        WHERE sent_at IS NULL AND next_attempt_at <= $2
                          AND (locked_until IS NULL OR locked_until <= $2)
                        ORDER BY created_at LIMIT $3
                        FOR UPDATE SKIP LOCKED)
           RETURNING id, recipient, subject, body_sealed, attempts, message_id, created_at)
         SELECT id, recipient, subject, body_sealed, attempts, message_id FROM claimed
         ORDER BY created_at",
    )
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .bind(owner)
    .fetch_all(pool)
    .await?
    .iter()
    .map(rows::queued_mail)
    .collect()
}

/// Frees the leases that `owner` holds (a previous run of this instance, which is gone).
pub(super) async fn release_mail_leases(pool: &PgPool, owner: &str) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE mail_queue SET locked_until = NULL, locked_by = NULL
         WHERE locked_by = $1 AND sent_at IS NULL",
    )
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

pub(super) async fn mail_sent(
    pool: &PgPool,
    id: uuid::Uuid,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE mail_queue SET sent_at = $1, body_sealed = NULL, locked_until = NULL,
         locked_by = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn mail_failed(
    pool: &PgPool,
    id: uuid::Uuid,
    next_attempt_at: OffsetDateTime,
    error: &str,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE mail_queue SET next_attempt_at = $1, locked_until = NULL, locked_by = NULL,
         last_error = $2 WHERE id = $3",
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}
