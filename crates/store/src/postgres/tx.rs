//! Write transactions on PostgreSQL.

use super::{sessions, tx_directory as dir};
use crate::audit_chain::{AuditKey, StoredAuditEvent};
use crate::{NewMail, NewSecret, SecretKind, SessionRecord, StoreResult, Tx, decode};
use async_trait::async_trait;
use domain::audit::NewAuditEvent;
use domain::listing::{Listing, Slot, Station};
use domain::report::KioskSession;
use domain::{Category, CategoryId, Provider, ProviderId, User, UserId};
use sqlx::{Postgres, Row, Transaction};
use time::OffsetDateTime;

pub(crate) struct PostgresTx {
    pub(super) tx: Transaction<'static, Postgres>,
    pub(super) audit_key: AuditKey,
}

#[async_trait]
impl Tx for PostgresTx {
    async fn insert_user(&mut self, user: &User) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO users (id, email, first_name, last_name, role, can_download_reports,
               invited_at, invitation_expires_at, activated_at, last_sign_in_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(user.id.0)
        .bind(user.email.as_str())
        .bind(&user.first_name)
        .bind(&user.last_name)
        .bind(user.role.as_str())
        .bind(user.can_download_reports)
        .bind(user.invited_at)
        .bind(user.invitation_expires_at)
        .bind(user.activated_at)
        .bind(user.last_sign_in_at)
        .bind(user.created_at)
        .bind(user.updated_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn mark_signed_in(&mut self, user_id: UserId, now: OffsetDateTime) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET activated_at = coalesce(activated_at, $1), last_sign_in_at = $1
             WHERE id = $2",
        )
        .bind(now)
        .bind(user_id.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn user_for_update(&mut self, id: UserId) -> StoreResult<Option<User>> {
        dir::user_for_update(&mut self.tx, id).await
    }

    async fn update_user(&mut self, user: &User) -> StoreResult<()> {
        dir::update_user(&mut self.tx, user).await
    }

    async fn delete_user(&mut self, id: UserId) -> StoreResult<bool> {
        dir::delete_user(&mut self.tx, id).await
    }

    async fn set_memberships(
        &mut self,
        user_id: UserId,
        providers: &[ProviderId],
        now: OffsetDateTime,
    ) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)> {
        dir::set_memberships(&mut self.tx, user_id, providers, now).await
    }

    async fn add_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        dir::add_membership(&mut self.tx, user_id, provider_id, now).await
    }

    async fn remove_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
    ) -> StoreResult<bool> {
        dir::remove_membership(&mut self.tx, user_id, provider_id).await
    }

    async fn count_providers(&mut self, ids: &[ProviderId]) -> StoreResult<i64> {
        dir::count_providers(&mut self.tx, ids).await
    }

    async fn insert_provider(&mut self, provider: &Provider) -> StoreResult<()> {
        dir::insert_provider(&mut self.tx, provider).await
    }

    async fn update_provider(&mut self, provider: &Provider) -> StoreResult<()> {
        dir::update_provider(&mut self.tx, provider).await
    }

    async fn provider_for_share(&mut self, id: ProviderId) -> StoreResult<Option<Provider>> {
        dir::provider_for_share(&mut self.tx, id).await
    }

    async fn delete_provider(&mut self, id: ProviderId) -> StoreResult<Option<Provider>> {
        dir::delete_provider(&mut self.tx, id).await
    }

    async fn set_fallback(
        &mut self,
        id: Option<ProviderId>,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        dir::set_fallback(&mut self.tx, id, now).await
    }

    async fn insert_category(&mut self, category: &Category) -> StoreResult<()> {
        dir::insert_category(&mut self.tx, category).await
    }

    async fn update_category(&mut self, category: &Category) -> StoreResult<()> {
        dir::update_category(&mut self.tx, category).await
    }

    async fn delete_category(&mut self, id: CategoryId) -> StoreResult<Option<i64>> {
        dir::delete_category(&mut self.tx, id).await
    }

    async fn insert_listing(&mut self, listing: &Listing) -> StoreResult<()> {
        sessions::insert_listing(&mut self.tx, listing).await
    }

    async fn insert_slots(&mut self, slots: &[Slot]) -> StoreResult<()> {
        sessions::insert_slots(&mut self.tx, slots).await
    }

    async fn insert_station(&mut self, station: &Station) -> StoreResult<()> {
        sessions::insert_station(&mut self.tx, station).await
    }

    async fn insert_kiosk_sessions(&mut self, sessions: &[KioskSession]) -> StoreResult<()> {
        sessions::insert_kiosk_sessions(&mut self.tx, sessions).await
    }

    async fn put_secret(&mut self, secret: &NewSecret) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_secrets
               (user_id, kind, code_hash, token_hash, browser_hash, attempts, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
             ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind,
               code_hash = excluded.code_hash, token_hash = excluded.token_hash,
               browser_hash = excluded.browser_hash, attempts = 0,
               expires_at = excluded.expires_at, created_at = excluded.created_at",
        )
        .bind(secret.user_id.0)
        .bind(secret.kind.as_str())
        .bind(&secret.code_hash)
        .bind(&secret.token_hash)
        .bind(&secret.browser_hash)
        .bind(secret.expires_at)
        .bind(secret.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn take_secret_by_code(
        &mut self,
        user_id: UserId,
        code_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<SecretKind>> {
        let kind: Option<String> = sqlx::query_scalar(
            "DELETE FROM sign_in_secrets
             WHERE user_id = $1 AND code_hash = $2 AND expires_at > $3 AND attempts <= 5
             RETURNING kind",
        )
        .bind(user_id.0)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *self.tx)
        .await?;
        kind.as_deref().map(decode::secret_kind).transpose()
    }

    async fn take_secret_by_token(
        &mut self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<(UserId, SecretKind)>> {
        let row = sqlx::query(
            "DELETE FROM sign_in_secrets WHERE token_hash = $1 AND expires_at > $2
             RETURNING user_id, kind",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| {
            let kind = decode::secret_kind(row.try_get("kind")?)?;
            Ok((UserId(row.try_get("user_id")?), kind))
        })
        .transpose()
    }

    async fn delete_secret(&mut self, user_id: UserId) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_secrets WHERE user_id = $1")
            .bind(user_id.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn put_setup_token(
        &mut self,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO setup_tokens (id, token_hash, expires_at, created_at) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash,
               expires_at = excluded.expires_at, created_at = excluded.created_at",
        )
        .bind(token_hash)
        .bind(expires_at)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn take_setup_token(
        &mut self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash)
                .bind(now)
                .execute(&mut *self.tx)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn count_admins(&mut self) -> StoreResult<i64> {
        // Held to the end of the transaction: two admins demoting or deleting each other at
        // once cannot both see the other as the remaining administrator.
        dir::serialise(&mut self.tx, "admins").await?;
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
                .fetch_one(&mut *self.tx)
                .await?,
        )
    }

    async fn insert_session(&mut self, session: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&session.id_hash)
        .bind(session.user_id.0)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn delete_session(&mut self, id_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn enqueue_mail(&mut self, mail: &NewMail) -> StoreResult<()> {
        if let Some(user_id) = mail.secret_of {
            // The user's older secret is dead now: its message must not go out after all.
            sqlx::query("DELETE FROM mail_queue WHERE secret_of = $1 AND sent_at IS NULL")
                .bind(user_id.0)
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO mail_queue (id, recipient, subject, body_sealed, next_attempt_at,
               created_at, message_id, secret_of)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
        )
        .bind(mail.id)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.body_sealed)
        .bind(mail.created_at)
        .bind(&mail.message_id)
        .bind(mail.secret_of.map(|id| id.0))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>, event: NewAuditEvent) -> StoreResult<()> {
        self.record(event).await?;
        self.tx.commit().await?;
        Ok(())
    }

    async fn record(&mut self, event: NewAuditEvent) -> StoreResult<()> {
        // Locking the head serialises appends across instances until this transaction ends;
        // under READ COMMITTED the locked read sees the head as the previous append left it.
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *self.tx)
            .await?;
        let (seq, prev_hash): (i64, Vec<u8>) = (head.try_get("seq")?, head.try_get("hash")?);
        let mut stored = StoredAuditEvent::from_new(seq + 1, event, prev_hash);
        stored.hash = stored.compute_hash(&self.audit_key, &stored.prev_hash);
        sqlx::query(
            "INSERT INTO audit_events (seq, at, actor_id, actor_label, action, target_kind,
               target_id, target_label, outcome, ip, details, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(stored.seq)
        .bind(stored.at)
        .bind(&stored.actor_id)
        .bind(&stored.actor_label)
        .bind(&stored.action)
        .bind(&stored.target_kind)
        .bind(&stored.target_id)
        .bind(&stored.target_label)
        .bind(&stored.outcome)
        .bind(&stored.ip)
        .bind(&stored.details)
        .bind(&stored.prev_hash)
        .bind(&stored.hash)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(stored.seq)
            .bind(&stored.hash)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
