//! Account changes, the same on both databases but for the lock clauses of `Dialect` and the
//! backend's `serialise`.

/// Stamps `AccountsTx` for a backend's transaction, which has `tx` and
/// `fn serialise(&mut self, what)` (a lock held to the end of the transaction).
macro_rules! stamp_account_writes {
    ($db:ty: $txty:ty) => {
        const _: () = {
            use $crate::codec::{Id, Time};
            use $crate::dialect::Dialect;
            use $crate::rows::{self, UserRow};
            use $crate::{AccountsTx, NewSecret, SecretKind, SessionRecord, StoreResult, decode};
            use domain::{User, UserId};
            use time::OffsetDateTime;

            #[async_trait::async_trait]
            impl AccountsTx for $txty {
                #[tracing::instrument(skip_all, fields(id = %user.id))]
                async fn insert_user(&mut self, user: &User) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO users (id, email, first_name, last_name, role,
                           can_download_reports, invited_at, invitation_expires_at, activated_at,
                           last_sign_in_at, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(Id(user.id))
                    .bind(user.email.as_str())
                    .bind(&user.first_name)
                    .bind(&user.last_name)
                    .bind(user.role.as_str())
                    .bind(user.can_download_reports)
                    .bind(Time(user.invited_at))
                    .bind(Time(user.invitation_expires_at))
                    .bind(user.activated_at.map(Time))
                    .bind(user.last_sign_in_at.map(Time))
                    .bind(Time(user.created_at))
                    .bind(Time(user.updated_at))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn mark_signed_in(
                    &mut self,
                    user_id: UserId,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE users SET activated_at = coalesce(activated_at, $1),
                           last_sign_in_at = $1 WHERE id = $2",
                    )
                    .bind(Time(now))
                    .bind(Id(user_id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn user_for_update(&mut self, id: UserId) -> StoreResult<Option<User>> {
                    let sql = format!(
                        "SELECT * FROM users WHERE id = $1{}",
                        <$db as Dialect>::FOR_UPDATE
                    );
                    let row: Option<UserRow> = sqlx::query_as(&sql)
                        .bind(Id(id))
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    rows::one(row)
                }

                #[tracing::instrument(skip_all, fields(id = %user.id))]
                async fn update_user(&mut self, user: &User) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE users SET first_name = $1, last_name = $2, role = $3,
                           can_download_reports = $4, invitation_expires_at = $5, updated_at = $6
                         WHERE id = $7",
                    )
                    .bind(&user.first_name)
                    .bind(&user.last_name)
                    .bind(user.role.as_str())
                    .bind(user.can_download_reports)
                    .bind(Time(user.invitation_expires_at))
                    .bind(Time(user.updated_at))
                    .bind(Id(user.id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn delete_user(&mut self, id: UserId) -> StoreResult<bool> {
                    let done = sqlx::query("DELETE FROM users WHERE id = $1")
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn count_admins(&mut self) -> StoreResult<i64> {
                    // Held to the end of the transaction: two admins demoting or deleting each
                    // other at once cannot both see the other as the remaining administrator.
                    self.serialise("admins").await?;
                    Ok(sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
                        .fetch_one(&mut *self.tx)
                        .await?)
                }

                #[tracing::instrument(skip_all, fields(user_id = %secret.user_id))]
                async fn put_secret(&mut self, secret: &NewSecret) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO sign_in_secrets (user_id, kind, code_hash, token_hash,
                           browser_hash, attempts, expires_at, created_at)
                         VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
                         ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind,
                           code_hash = excluded.code_hash, token_hash = excluded.token_hash,
                           browser_hash = excluded.browser_hash, attempts = 0,
                           expires_at = excluded.expires_at, created_at = excluded.created_at",
                    )
                    .bind(Id(secret.user_id))
                    .bind(secret.kind.as_str())
                    .bind(&secret.code_hash)
                    .bind(&secret.token_hash)
                    .bind(&secret.browser_hash)
                    .bind(Time(secret.expires_at))
                    .bind(Time(secret.created_at))
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
                         WHERE user_id = $1 AND code_hash = $2 AND expires_at > $3
                           AND attempts <= 5
                         RETURNING kind",
                    )
                    .bind(Id(user_id))
                    .bind(code_hash)
                    .bind(Time(now))
                    .fetch_optional(&mut *self.tx)
                    .await?;
                    kind.as_deref().map(decode::secret_kind).transpose()
                }

                async fn take_secret_by_token(
                    &mut self,
                    token_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<Option<(UserId, SecretKind)>> {
                    let row: Option<(Id<UserId>, String)> = sqlx::query_as(
                        "DELETE FROM sign_in_secrets WHERE token_hash = $1 AND expires_at > $2
                         RETURNING user_id, kind",
                    )
                    .bind(token_hash)
                    .bind(Time(now))
                    .fetch_optional(&mut *self.tx)
                    .await?;
                    row.map(|(Id(user), kind)| Ok((user, decode::secret_kind(&kind)?)))
                        .transpose()
                }

                async fn delete_secret(&mut self, user_id: UserId) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sign_in_secrets WHERE user_id = $1")
                        .bind(Id(user_id))
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
                        "INSERT INTO setup_tokens (id, token_hash, expires_at, created_at)
                         VALUES (1, $1, $2, $3)
                         ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash,
                           expires_at = excluded.expires_at, created_at = excluded.created_at",
                    )
                    .bind(token_hash)
                    .bind(Time(expires_at))
                    .bind(Time(now))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn take_setup_token(
                    &mut self,
                    token_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(Time(now))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn insert_session(&mut self, session: &SessionRecord) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at,
                           expires_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&session.id_hash)
                    .bind(Id(session.user_id))
                    .bind(Time(session.created_at))
                    .bind(Time(session.last_seen_at))
                    .bind(Time(session.expires_at))
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
            }
        };
    };
}
pub(crate) use stamp_account_writes;
