//! Account reads and bookkeeping, the same on both databases.

/// Stamps `Accounts` for a backend's store, which has `pool`, and `fn bucket_tx(&self, bucket)`
/// that opens a transaction in which one rate-limit bucket's check-then-insert runs alone.
macro_rules! stamp_account_reads {
    ($store:ty) => {
        const _: () = {
            use domain::{EmailAddress, User, UserId};
            use time::{Duration, OffsetDateTime};
            use $crate::codec::{Id, Time};
            use $crate::rows::{self, CodeAttemptRow, SessionRow, UserRow};
            use $crate::{Accounts, CodeAttempt, LinkState, RateRule, SessionRecord, StoreResult};

            #[async_trait::async_trait]
            impl Accounts for $store {
                #[tracing::instrument(skip_all)]
                async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>> {
                    let row: Option<UserRow> =
                        sqlx::query_as("SELECT * FROM users WHERE lower(email) = lower($1)")
                            .bind(email.as_str())
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
                    let row: Option<UserRow> = sqlx::query_as("SELECT * FROM users WHERE id = $1")
                        .bind(Id(id))
                        .fetch_optional(&self.pool)
                        .await?;
                    rows::one(row)
                }

                async fn count_admins(&self) -> StoreResult<i64> {
                    Ok(
                        sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin'")
                            .fetch_one(&self.pool)
                            .await?,
                    )
                }

                async fn admins(&self) -> StoreResult<Vec<User>> {
                    let found: Vec<UserRow> = sqlx::query_as(
                        "SELECT * FROM users WHERE role = 'admin' ORDER BY last_name, first_name",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows::all(found)
                }

                #[tracing::instrument(skip_all)]
                async fn rate_limit_hit(
                    &self,
                    bucket: &str,
                    now: OffsetDateTime,
                    rules: &[RateRule],
                ) -> StoreResult<Option<Duration>> {
                    let mut tx = self.bucket_tx(bucket).await?;
                    let mut wait = Duration::ZERO;
                    for rule in rules {
                        // The hit that must leave the window before another is allowed.
                        let blocking: Option<Time> = sqlx::query_scalar(
                            "SELECT at FROM rate_limit_hits WHERE bucket = $1 AND at > $2
                             ORDER BY at DESC LIMIT 1 OFFSET $3",
                        )
                        .bind(bucket)
                        .bind(Time(now - rule.window))
                        .bind(rule.max - 1)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(Time(at)) = blocking {
                            wait = wait.max(at + rule.window - now);
                        }
                    }
                    if wait > Duration::ZERO {
                        return Ok(Some(wait));
                    }
                    sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2)")
                        .bind(bucket)
                        .bind(Time(now))
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(None)
                }

                #[tracing::instrument(skip_all, fields(%user_id))]
                async fn count_code_attempt(
                    &self,
                    user_id: UserId,
                    now: OffsetDateTime,
                ) -> StoreResult<Option<CodeAttempt>> {
                    // One statement: a concurrent try waits for the row and re-checks
                    // `attempts < 5`.
                    let row: Option<CodeAttemptRow> = sqlx::query_as(
                        "UPDATE sign_in_secrets SET attempts = attempts + 1
                         WHERE user_id = $1 AND attempts < 5 AND expires_at > $2
                         RETURNING kind, code_hash, browser_hash, attempts",
                    )
                    .bind(Id(user_id))
                    .bind(Time(now))
                    .fetch_optional(&self.pool)
                    .await?;
                    rows::one(row)
                }

                async fn link_state(
                    &self,
                    token_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<LinkState> {
                    let expires: Option<Time> = sqlx::query_scalar(
                        "SELECT expires_at FROM sign_in_secrets WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(match expires {
                        Some(Time(at)) if at > now => LinkState::Live,
                        Some(_) => LinkState::Expired,
                        None => LinkState::Unknown,
                    })
                }

                async fn setup_token_valid(
                    &self,
                    token_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<bool> {
                    let found = sqlx::query(
                        "SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(Time(now))
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
                    let row: Option<SessionRow> = sqlx::query_as(
                        "SELECT id_hash, user_id, created_at, last_seen_at, expires_at
                         FROM sessions
                         WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
                    )
                    .bind(id_hash)
                    .bind(Time(now))
                    .bind(Time(now - idle))
                    .fetch_optional(&self.pool)
                    .await?;
                    rows::one(row)
                }

                async fn touch_session(
                    &self,
                    id_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                        .bind(Time(now))
                        .bind(id_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use stamp_account_reads;
