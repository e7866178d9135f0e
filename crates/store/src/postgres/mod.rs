//! The PostgreSQL backend, for several `wayfinder serve` instances on one database.
//!
//! Nothing lives in one process: every check that several instances could race on is one atomic
//! statement (code tries, the mail lease with `FOR UPDATE SKIP LOCKED`) or runs under a lock taken
//! in its transaction (the audit head row, an advisory lock per rate-limit bucket).

mod directory;
mod listings;
mod queue;
mod rows;
mod sessions;
mod slots;
mod tx;
mod tx_directory;

use crate::audit_chain::{AuditKey, StoredAuditEvent};
use crate::decode::{EXPIRED_SECRET_KEPT, LONGEST_RATE_WINDOW};
use crate::migrations::{Embedded, migrator};
use crate::{
    AuditFilter, CategoryWithCount, CodeAttempt, LinkState, Membership, ProviderSummary,
    QueuedMail, RateRule, ReportFilter, SessionRecord, Store, StoreError, StoreResult, Tx,
    UserFilter,
};
use async_trait::async_trait;
use domain::report::SessionReportRow;
use domain::{CategoryId, EmailAddress, PageNumber, Provider, ProviderId, User, UserId};
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use time::{Duration, OffsetDateTime};
use tokio::sync::mpsc;

const MIGRATIONS: Embedded = &[
    (1, "accounts", include_str!("migrations/0001_accounts.sql")),
    (
        2,
        "directory",
        include_str!("migrations/0002_directory.sql"),
    ),
    (3, "sessions", include_str!("migrations/0003_sessions.sql")),
    (
        4,
        "mail delivery",
        include_str!("migrations/0004_mail_delivery.sql"),
    ),
    (5, "slots", include_str!("migrations/0005_slots.sql")),
];

/// Connections each instance keeps at most; the server's `max_connections` must cover all
/// instances together (see the deployment guide).
const POOL_SIZE: u32 = 10;

pub(crate) struct PostgresStore {
    pool: PgPool,
    audit_key: AuditKey,
}

impl PostgresStore {
    pub(crate) async fn connect(url: &str, audit_key: AuditKey) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("wayfinder");
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Times are compared and stored in UTC whatever the server's zone.
                    sqlx::query("SET TIME ZONE 'UTC'").execute(conn).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // sqlx takes an advisory lock around the run, so instances starting together are safe.
        migrator(MIGRATIONS)
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .run(&pool)
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Self { pool, audit_key })
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        Ok(Box::new(tx::PostgresTx {
            tx: self.pool.begin().await?,
            audit_key: self.audit_key.clone(),
        }))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE lower(email) = lower($1)")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| rows::user(&row))
            .transpose()
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| rows::user(&row))
            .transpose()
    }

    async fn count_admins(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn admins(&self) -> StoreResult<Vec<User>> {
        sqlx::query("SELECT * FROM users WHERE role = 'admin' ORDER BY last_name, first_name")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::user)
            .collect()
    }

    async fn provider_ids(&self, user_id: UserId) -> StoreResult<Vec<ProviderId>> {
        let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
            "SELECT provider_id FROM memberships WHERE user_id = $1 ORDER BY provider_id",
        )
        .bind(user_id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(ProviderId).collect())
    }

    async fn find_providers(
        &self,
        viewer: &User,
        q: Option<&str>,
        limit: i64,
    ) -> StoreResult<(Vec<ProviderSummary>, i64)> {
        directory::find_providers(&self.pool, viewer, q, limit).await
    }

    async fn providers_by_ids(&self, ids: &[ProviderId]) -> StoreResult<Vec<ProviderSummary>> {
        directory::providers_by_ids(&self.pool, ids).await
    }

    async fn list_users(
        &self,
        filter: &UserFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)> {
        directory::list_users(&self.pool, filter, page).await
    }

    async fn memberships_of(&self, users: &[UserId]) -> StoreResult<Vec<Membership>> {
        directory::memberships_of(&self.pool, users).await
    }

    async fn undelivered_to(&self, recipients: &[String]) -> StoreResult<Vec<String>> {
        directory::undelivered_to(&self.pool, recipients).await
    }

    async fn list_providers(
        &self,
        viewer: &User,
        page: PageNumber,
    ) -> StoreResult<(Vec<Provider>, i64)> {
        directory::list_providers(&self.pool, viewer, page).await
    }

    async fn provider(&self, id: ProviderId) -> StoreResult<Option<Provider>> {
        directory::provider(&self.pool, id).await
    }

    async fn is_member(&self, user_id: UserId, provider_id: ProviderId) -> StoreResult<bool> {
        directory::is_member(&self.pool, user_id, provider_id).await
    }

    async fn members(
        &self,
        provider_id: ProviderId,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)> {
        directory::members(&self.pool, provider_id, page).await
    }

    async fn non_members(&self, provider_id: ProviderId, limit: i64) -> StoreResult<Vec<User>> {
        directory::non_members(&self.pool, provider_id, limit).await
    }

    async fn list_categories(
        &self,
        page: PageNumber,
    ) -> StoreResult<(Vec<CategoryWithCount>, i64)> {
        directory::list_categories(&self.pool, page).await
    }

    async fn category(&self, id: CategoryId) -> StoreResult<Option<CategoryWithCount>> {
        directory::category(&self.pool, id).await
    }

    async fn audit_page(
        &self,
        filter: &AuditFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<StoredAuditEvent>, i64)> {
        directory::audit_page(&self.pool, filter, page).await
    }

    async fn audit_matching(&self, filter: &AuditFilter) -> StoreResult<Vec<StoredAuditEvent>> {
        directory::audit_matching(&self.pool, filter).await
    }

    async fn has_data(&self) -> StoreResult<bool> {
        sessions::has_data(&self.pool).await
    }

    fn session_report(
        &self,
        filter: ReportFilter,
    ) -> mpsc::Receiver<StoreResult<SessionReportRow>> {
        sessions::session_report(self.pool.clone(), filter)
    }

    async fn rate_limit_hit(
        &self,
        bucket: &str,
        now: OffsetDateTime,
        rules: &[RateRule],
    ) -> StoreResult<Option<Duration>> {
        queue::rate_limit_hit(&self.pool, bucket, now, rules).await
    }

    async fn count_code_attempt(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<CodeAttempt>> {
        // One statement: a concurrent try waits for the row and re-checks `attempts < 5`.
        sqlx::query(
            "UPDATE sign_in_secrets SET attempts = attempts + 1
             WHERE user_id = $1 AND attempts < 5 AND expires_at > $2
             RETURNING kind, code_hash, browser_hash, attempts",
        )
        .bind(user_id.0)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?
        .map(|row| rows::code_attempt(&row))
        .transpose()
    }

    async fn link_state(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<LinkState> {
        let expires: Option<OffsetDateTime> =
            sqlx::query_scalar("SELECT expires_at FROM sign_in_secrets WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match expires {
            Some(at) if at > now => LinkState::Live,
            Some(_) => LinkState::Expired,
            None => LinkState::Unknown,
        })
    }

    async fn setup_token_valid(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<bool> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    async fn session(
        &self,
        id_hash: &[u8],
        now: OffsetDateTime,
        idle: Duration,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions
             WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
        )
        .bind(id_hash)
        .bind(now)
        .bind(now - idle)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                id_hash: id_hash.to_vec(),
                user_id: UserId(row.try_get("user_id")?),
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, id_hash: &[u8], now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
        owner: &str,
    ) -> StoreResult<Vec<QueuedMail>> {
        queue::claim_mail(&self.pool, now, lease_until, limit, owner).await
    }

    async fn release_mail_leases(&self, owner: &str) -> StoreResult<u64> {
        queue::release_mail_leases(&self.pool, owner).await
    }

    async fn mail_sent(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<()> {
        queue::mail_sent(&self.pool, id, now).await
    }

    async fn mail_failed(
        &self,
        id: uuid::Uuid,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()> {
        queue::mail_failed(&self.pool, id, next_attempt_at, error).await
    }

    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM sign_in_secrets WHERE expires_at <= $1")
            .bind(now - EXPIRED_SECRET_KEPT)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM rate_limit_hits WHERE at <= $1")
            .bind(now - LONGEST_RATE_WINDOW)
            .execute(&self.pool)
            .await?;
        // A client's name is kept only until their appointments are over (SPEC §1).
        sqlx::query(
            "UPDATE kiosk_sessions SET client_name_sealed = NULL
             WHERE client_name_sealed IS NOT NULL AND NOT EXISTS
               (SELECT 1 FROM kiosk_selections x
                WHERE x.session_id = kiosk_sessions.id AND x.slot_starts_at > $1)",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn audit_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredAuditEvent>> {
        sqlx::query("SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(rows::audit_event)
            .collect()
    }

    async fn audit_head(&self) -> StoreResult<(i64, Vec<u8>)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get("seq")?, row.try_get("hash")?))
    }

    fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }
}
