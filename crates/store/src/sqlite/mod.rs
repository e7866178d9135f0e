//! The SQLite backend: one file in the data directory, WAL, foreign keys on.
//!
//! Write transactions start with `BEGIN IMMEDIATE`, so a read-then-write inside one (the audit
//! chain head, rate limits) is atomic against every other writer, in this process or another.

mod directory;
mod listings;
mod sessions;
mod slots;
mod tx;
mod tx_directory;

use crate::audit_chain::{AuditKey, StoredAuditEvent};
use crate::decode::{self, EXPIRED_SECRET_KEPT, LONGEST_RATE_WINDOW};
use crate::migrations::{Embedded, migrator};
use crate::{
    AuditFilter, CategoryWithCount, CodeAttempt, LinkState, Membership, ProviderSummary,
    QueuedMail, RateRule, ReportFilter, SessionRecord, Store, StoreError, StoreResult, Tx,
    UserFilter,
};
use async_trait::async_trait;
use domain::report::SessionReportRow;
use domain::{CategoryId, EmailAddress, PageNumber, Provider, ProviderId, User, UserId};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, SqlitePool as Pool};
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

pub(crate) struct SqliteStore {
    pool: Pool,
    audit_key: AuditKey,
}

impl SqliteStore {
    pub(crate) async fn connect(url: &str, audit_key: AuditKey) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed transaction survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10))
            // Overwrite deleted content, so consumed secrets and sent mail leave no trace.
            .pragma("secure_delete", "ON")
            // 32 MiB of page cache per connection (the default is 2 MiB): random UUID keys
            // touch pages all over the indexes, and evicting them early multiplies the writes.
            .pragma("cache_size", "-32768");
        let pool: SqlitePool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        migrator(MIGRATIONS)
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .run(&pool)
            .await
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Self { pool, audit_key })
    }
}

pub(super) fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

pub(super) fn from_micros(us: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn opt_time(us: Option<i64>) -> StoreResult<Option<OffsetDateTime>> {
    us.map(from_micros).transpose()
}

pub(super) fn parse_id<T: FromStr>(s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {s:?}")))
}

/// The constraint named in SQLite's message, which has no separate field for it.
pub(crate) fn constraint_name(message: &str) -> Option<String> {
    // SQLite names the columns, not the index, of a unique index on plain columns.
    const BY_COLUMNS: &[(&str, &str)] = &[
        ("memberships.", "memberships_pkey"),
        ("providers.is_fallback", "providers_one_fallback"),
        ("sign_in_secrets.token_hash", "sign_in_secrets_token_key"),
        (
            "slots.listing_id, slots.starts_at",
            "slots_listing_start_key",
        ),
    ];
    if let Some(columns) = message.strip_prefix("UNIQUE constraint failed: ") {
        if let Some((_, name)) = BY_COLUMNS.iter().find(|(c, _)| columns.starts_with(c)) {
            return Some((*name).into());
        }
    }
    message
        .strip_prefix("UNIQUE constraint failed: index '")
        .and_then(|rest| rest.strip_suffix('\''))
        .or_else(|| message.strip_prefix("CHECK constraint failed: "))
        // Our triggers raise the constraint's name as the whole message.
        .or_else(|| (!message.contains(' ')).then_some(message))
        .map(str::to_owned)
}

pub(super) fn user_from_row(row: &SqliteRow) -> StoreResult<User> {
    Ok(User {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        email: decode::email(row.try_get("email")?)?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        role: decode::role(row.try_get("role")?)?,
        can_download_reports: row.try_get("can_download_reports")?,
        invited_at: from_micros(row.try_get("invited_at")?)?,
        invitation_expires_at: from_micros(row.try_get("invitation_expires_at")?)?,
        activated_at: opt_time(row.try_get("activated_at")?)?,
        last_sign_in_at: opt_time(row.try_get("last_sign_in_at")?)?,
        created_at: from_micros(row.try_get("created_at")?)?,
        updated_at: from_micros(row.try_get("updated_at")?)?,
    })
}

pub(super) fn audit_from_row(row: &SqliteRow) -> StoreResult<StoredAuditEvent> {
    Ok(StoredAuditEvent {
        seq: row.try_get("seq")?,
        at: from_micros(row.try_get("at")?)?,
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

#[async_trait]
impl Store for SqliteStore {
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Box::new(tx::SqliteTx {
            tx,
            audit_key: self.audit_key.clone(),
        }))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE lower(email) = lower(?)")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| user_from_row(&row))
            .transpose()
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .map(|row| user_from_row(&row))
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
            .map(user_from_row)
            .collect()
    }

    async fn provider_ids(&self, user_id: UserId) -> StoreResult<Vec<ProviderId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT provider_id FROM memberships WHERE user_id = ? ORDER BY provider_id",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        ids.iter().map(|id| parse_id(id)).collect()
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
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut wait = Duration::ZERO;
        for rule in rules {
            let since = micros(now - rule.window);
            // The hit that must leave the window before another is allowed.
            let blocking: Option<i64> = sqlx::query_scalar(
                "SELECT at FROM rate_limit_hits WHERE bucket = ? AND at > ?
                 ORDER BY at DESC LIMIT 1 OFFSET ?",
            )
            .bind(bucket)
            .bind(since)
            .bind(rule.max - 1)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(at) = blocking {
                wait = wait.max(from_micros(at)? + rule.window - now);
            }
        }
        if wait > Duration::ZERO {
            return Ok(Some(wait));
        }
        sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES (?, ?)")
            .bind(bucket)
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(None)
    }

    async fn count_code_attempt(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<CodeAttempt>> {
        let row = sqlx::query(
            "UPDATE sign_in_secrets SET attempts = attempts + 1
             WHERE user_id = ? AND attempts < 5 AND expires_at > ?
             RETURNING kind, code_hash, browser_hash, attempts",
        )
        .bind(user_id.to_string())
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(CodeAttempt {
                kind: decode::secret_kind(row.try_get("kind")?)?,
                code_hash: row.try_get("code_hash")?,
                browser_hash: row.try_get("browser_hash")?,
                attempts: row.try_get("attempts")?,
            })
        })
        .transpose()
    }

    async fn link_state(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<LinkState> {
        let expires: Option<i64> =
            sqlx::query_scalar("SELECT expires_at FROM sign_in_secrets WHERE token_hash = ?")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match expires {
            Some(at) if at > micros(now) => LinkState::Live,
            Some(_) => LinkState::Expired,
            None => LinkState::Unknown,
        })
    }

    async fn setup_token_valid(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM setup_tokens WHERE token_hash = ? AND expires_at > ?",
        )
        .bind(token_hash)
        .bind(micros(now))
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
             WHERE id_hash = ? AND expires_at > ? AND last_seen_at > ?",
        )
        .bind(id_hash)
        .bind(micros(now))
        .bind(micros(now - idle))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                id_hash: id_hash.to_vec(),
                user_id: parse_id(&row.try_get::<String, _>("user_id")?)?,
                created_at: from_micros(row.try_get("created_at")?)?,
                last_seen_at: from_micros(row.try_get("last_seen_at")?)?,
                expires_at: from_micros(row.try_get("expires_at")?)?,
            })
        })
        .transpose()
    }

    async fn touch_session(&self, id_hash: &[u8], now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
            .bind(micros(now))
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
        let rows = sqlx::query(
            "UPDATE mail_queue SET locked_until = ?1, locked_by = ?4, attempts = attempts + 1
             WHERE id IN (SELECT id FROM mail_queue
                          WHERE sent_at IS NULL AND next_attempt_at <= ?2
                            AND (locked_until IS NULL OR locked_until <= ?2)
                          ORDER BY created_at LIMIT ?3)
             RETURNING id, recipient, subject, body_sealed, attempts, message_id",
        )
        .bind(micros(lease_until))
        .bind(micros(now))
        .bind(limit)
        .bind(owner)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(QueuedMail {
                    id: parse_id(&row.try_get::<String, _>("id")?)?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body_sealed: row
                        .try_get::<Option<Vec<u8>>, _>("body_sealed")?
                        .unwrap_or_default(),
                    attempts: row.try_get("attempts")?,
                    message_id: row.try_get("message_id")?,
                })
            })
            .collect()
    }

    async fn release_mail_leases(&self, owner: &str) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE mail_queue SET locked_until = NULL, locked_by = NULL
             WHERE locked_by = $1 AND sent_at IS NULL",
        )
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn mail_sent(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_queue SET sent_at = ?, body_sealed = NULL, locked_until = NULL,
             locked_by = NULL, last_error = NULL WHERE id = ?",
        )
        .bind(micros(now))
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mail_failed(
        &self,
        id: uuid::Uuid,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_queue SET next_attempt_at = ?, locked_until = NULL, locked_by = NULL,
             last_error = ? WHERE id = ?",
        )
        .bind(micros(next_attempt_at))
        .bind(error)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM sign_in_secrets WHERE expires_at <= ?")
            .bind(micros(now - EXPIRED_SECRET_KEPT))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM rate_limit_hits WHERE at <= ?")
            .bind(micros(now - LONGEST_RATE_WINDOW))
            .execute(&self.pool)
            .await?;
        // A client's name is kept only until their appointments are over (SPEC §1).
        sqlx::query(
            "UPDATE kiosk_sessions SET client_name_sealed = NULL
             WHERE client_name_sealed IS NOT NULL AND NOT EXISTS
               (SELECT 1 FROM kiosk_selections x
                WHERE x.session_id = kiosk_sessions.id AND x.slot_starts_at > ?)",
        )
        .bind(micros(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn audit_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredAuditEvent>> {
        sqlx::query("SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(audit_from_row)
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
