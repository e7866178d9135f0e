//! The mail queue: messages queued inside a change's transaction, leased to a worker, marked
//! sent or failed. The traits, and the statements both databases share.

use crate::{NewMail, QueuedMail, StoreResult};
use async_trait::async_trait;
use time::OffsetDateTime;

/// The worker's side of the queue, and what the dashboard shows of it.
#[async_trait]
pub trait MailQueue {
    /// Of these addresses, those with a message that failed and waits for a retry.
    async fn undelivered_to(&self, recipients: &[String]) -> StoreResult<Vec<String>>;
    /// Leases up to `limit` due messages to the worker `owner` until `lease_until`, oldest
    /// first.
    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
        owner: &str,
    ) -> StoreResult<Vec<QueuedMail>>;
    /// Frees every lease that `owner` holds on unsent mail; returns how many. Only for an owner
    /// known to be gone (an earlier run of this instance), never for a live one.
    async fn release_mail_leases(&self, owner: &str) -> StoreResult<u64>;
    /// Marks a message delivered and erases its body.
    async fn mail_sent(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<()>;
    async fn mail_failed(
        &self,
        id: uuid::Uuid,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()>;
}

/// Queuing, inside the transaction of the change the message tells about.
#[async_trait]
pub trait MailTx {
    /// Queues a message; one that carries a user's secret first cancels the unsent messages
    /// that carry an older secret of theirs (a new secret kills the old one).
    async fn enqueue_mail(&mut self, mail: &NewMail) -> StoreResult<()>;
}

/// Stamps `MailQueue` and `MailTx` for a backend; the backend passes its own lease statement
/// (`$1` lease end, `$2` now, `$3` limit, `$4` owner), which differs.
macro_rules! stamp_mail {
    ($store:ty, $txty:ty; claim = $claim_sql:expr) => {
        const _: () = {
            use $crate::codec::{self, Id, Time};
            use $crate::dialect::push_list;
            use $crate::rows::{self, QueuedMailRow};
            use $crate::{MailQueue, MailTx, NewMail, QueuedMail, StoreResult};
            use sqlx::QueryBuilder;
            use time::OffsetDateTime;

            #[async_trait::async_trait]
            impl MailQueue for $store {
                async fn undelivered_to(&self, recipients: &[String]) -> StoreResult<Vec<String>> {
                    if recipients.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::new(
                        "SELECT DISTINCT recipient FROM mail_queue
                         WHERE sent_at IS NULL AND last_error IS NOT NULL AND recipient IN ",
                    );
                    push_list(&mut query, recipients.to_vec());
                    Ok(query.build_query_scalar().fetch_all(&self.pool).await?)
                }

                #[tracing::instrument(skip_all, fields(limit))]
                async fn claim_mail(
                    &self,
                    now: OffsetDateTime,
                    lease_until: OffsetDateTime,
                    limit: i64,
                    owner: &str,
                ) -> StoreResult<Vec<QueuedMail>> {
                    let found: Vec<QueuedMailRow> = sqlx::query_as($claim_sql)
                        .bind(Time(lease_until))
                        .bind(Time(now))
                        .bind(limit)
                        .bind(owner)
                        .fetch_all(&self.pool)
                        .await?;
                    rows::all(found)
                }

                #[tracing::instrument(skip_all)]
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

                #[tracing::instrument(skip_all, fields(%id))]
                async fn mail_sent(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE mail_queue SET sent_at = $1, body_sealed = NULL,
                           locked_until = NULL, locked_by = NULL, last_error = NULL
                         WHERE id = $2",
                    )
                    .bind(Time(now))
                    .bind(Id(id))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn mail_failed(
                    &self,
                    id: uuid::Uuid,
                    next_attempt_at: OffsetDateTime,
                    error: &str,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE mail_queue SET next_attempt_at = $1, locked_until = NULL,
                         locked_by = NULL, last_error = $2 WHERE id = $3",
                    )
                    .bind(Time(next_attempt_at))
                    .bind(error)
                    .bind(Id(id))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl MailTx for $txty {
                #[tracing::instrument(skip_all, fields(id = %mail.id))]
                async fn enqueue_mail(&mut self, mail: &NewMail) -> StoreResult<()> {
                    if let Some(user_id) = mail.secret_of {
                        // The user's older secret is dead now: its message must not go out.
                        sqlx::query(
                            "DELETE FROM mail_queue WHERE secret_of = $1 AND sent_at IS NULL",
                        )
                        .bind(Id(user_id))
                        .execute(&mut *self.tx)
                        .await?;
                    }
                    sqlx::query(
                        "INSERT INTO mail_queue (id, recipient, subject, body_sealed,
                           next_attempt_at, created_at, message_id, secret_of)
                         VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
                    )
                    .bind(Id(mail.id))
                    .bind(&mail.recipient)
                    .bind(&mail.subject)
                    .bind(&mail.body_sealed)
                    .bind(Time(mail.created_at))
                    .bind(&mail.message_id)
                    .bind(codec::id(mail.secret_of))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use stamp_mail;
