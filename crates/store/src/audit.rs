//! The audit log: reading the chain, and appending to it as the last step of every transaction.
//! The trait, and the statements both databases share.

use crate::audit_chain::{AuditKey, StoredAuditEvent};
use crate::{AuditFilter, StoreResult};
use async_trait::async_trait;
use domain::PageNumber;

/// Reads of the audit log.
#[async_trait]
pub trait AuditLog {
    /// A page of audit events, newest first, and how many match.
    async fn audit_page(
        &self,
        filter: &AuditFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<StoredAuditEvent>, i64)>;
    /// Every matching audit event, oldest first, for the CSV export.
    async fn audit_matching(&self, filter: &AuditFilter) -> StoreResult<Vec<StoredAuditEvent>>;
    /// Audit events with `seq > after`, oldest first, at most `limit`.
    async fn audit_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredAuditEvent>>;
    /// The chain head: the last sequence number and hash the store has appended.
    async fn audit_head(&self) -> StoreResult<(i64, Vec<u8>)>;
    fn audit_key(&self) -> &AuditKey;
}

/// Stamps `AuditLog` for a backend's store (with `pool` and `audit_key`) and `Tx` for its
/// transaction (with `tx` and `audit_key`).
macro_rules! stamp_audit {
    ($db:ty: $store:ty, $txty:ty) => {
        const _: () = {
            use $crate::audit_chain::{AuditKey, StoredAuditEvent};
            use $crate::codec::Time;
            use $crate::decode::like_pattern;
            use $crate::dialect::Dialect;
            use $crate::rows::{self, AuditRow};
            use $crate::{AuditFilter, AuditLog, StoreResult, Tx};
            use domain::audit::NewAuditEvent;
            use domain::{PAGE_SIZE, PageNumber};
            use sqlx::QueryBuilder;

            fn push_audit_filter(query: &mut QueryBuilder<'_, $db>, filter: &AuditFilter) {
                query.push(" FROM audit_events WHERE TRUE");
                if let Some(actor) = filter.actor.as_deref().filter(|a| !a.trim().is_empty()) {
                    query
                        .push(" AND lower(actor_label) LIKE ")
                        .push_bind(like_pattern(actor.trim()))
                        .push(" ESCAPE '\\'");
                }
                if let Some(action) = &filter.action {
                    query.push(" AND action = ").push_bind(action.clone());
                }
                if let Some(from) = filter.from {
                    query.push(" AND at >= ").push_bind(Time(from));
                }
                if let Some(until) = filter.until {
                    query.push(" AND at < ").push_bind(Time(until));
                }
            }

            #[async_trait::async_trait]
            impl AuditLog for $store {
                #[tracing::instrument(skip_all)]
                async fn audit_page(
                    &self,
                    filter: &AuditFilter,
                    page: PageNumber,
                ) -> StoreResult<(Vec<StoredAuditEvent>, i64)> {
                    let mut count = QueryBuilder::new("SELECT count(*)");
                    push_audit_filter(&mut count, filter);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    let mut select = QueryBuilder::new("SELECT *");
                    push_audit_filter(&mut select, filter);
                    select
                        .push(" ORDER BY seq DESC LIMIT ")
                        .push_bind(PAGE_SIZE)
                        .push(" OFFSET ")
                        .push_bind(page.offset());
                    let found: Vec<AuditRow> = select.build_query_as().fetch_all(&self.pool).await?;
                    Ok((rows::all(found)?, total))
                }

                #[tracing::instrument(skip_all)]
                async fn audit_matching(
                    &self,
                    filter: &AuditFilter,
                ) -> StoreResult<Vec<StoredAuditEvent>> {
                    let mut select = QueryBuilder::new("SELECT *");
                    push_audit_filter(&mut select, filter);
                    select.push(" ORDER BY seq");
                    let found: Vec<AuditRow> = select.build_query_as().fetch_all(&self.pool).await?;
                    rows::all(found)
                }

                async fn audit_events_after(
                    &self,
                    after: i64,
                    limit: i64,
                ) -> StoreResult<Vec<StoredAuditEvent>> {
                    let found: Vec<AuditRow> = sqlx::query_as(
                        "SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                    )
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    rows::all(found)
                }

                async fn audit_head(&self) -> StoreResult<(i64, Vec<u8>)> {
                    Ok(sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?)
                }

                fn audit_key(&self) -> &AuditKey {
                    &self.audit_key
                }
            }

            #[async_trait::async_trait]
            impl Tx for $txty {
                async fn commit(mut self: Box<Self>, event: NewAuditEvent) -> StoreResult<()> {
                    self.record(event).await?;
                    self.tx.commit().await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(action = event.action.as_str()))]
                async fn record(&mut self, event: NewAuditEvent) -> StoreResult<()> {
                    // Locking the head serialises appends across PostgreSQL instances until this
                    // transaction ends; under READ COMMITTED the locked read sees the head as the
                    // previous append left it. SQLite's write lock already does both.
                    let sql = format!(
                        "SELECT seq, hash FROM audit_head WHERE id = 1{}",
                        <$db as Dialect>::FOR_UPDATE
                    );
                    let (seq, prev_hash): (i64, Vec<u8>) =
                        sqlx::query_as(&sql).fetch_one(&mut *self.tx).await?;
                    let mut stored = StoredAuditEvent::from_new(seq + 1, event, prev_hash);
                    stored.hash = stored.compute_hash(&self.audit_key, &stored.prev_hash);
                    sqlx::query(
                        "INSERT INTO audit_events (seq, at, actor_id, actor_label, action,
                           target_kind, target_id, target_label, outcome, ip, details, prev_hash,
                           hash)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(stored.seq)
                    .bind(Time(stored.at))
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
        };
    };
}
pub(crate) use stamp_audit;
