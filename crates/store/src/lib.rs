//! Storage: the `Store` trait that the application sees, and one implementation per database.
//!
//! Every change that matters happens in a [`Tx`], and a transaction can only be committed together
//! with the audit event that describes it, so an unaudited change does not compile.

mod accounts;
pub mod admin;
mod audit;
pub mod audit_chain;
mod codec;
mod constraint;
mod decode;
mod dialect;
mod directory;
mod kiosk;
mod kiosk_flow;
mod listings;
mod mail;
mod migrations;
pub mod overview;
mod postgres;
mod records;
mod rows;
pub mod slots;
mod sqlite;
mod stations;

use async_trait::async_trait;
use domain::audit::NewAuditEvent;
use std::sync::Arc;
use time::OffsetDateTime;

pub use accounts::{Accounts, AccountsTx};
pub use audit::AuditLog;
pub use audit_chain::{AuditKey, StoredAuditEvent};
pub use constraint::Constraint;
pub use directory::{Directory, DirectoryTx};
pub use kiosk::{KioskTx, Reports};
pub use kiosk_flow::{AbandonedSession, Kiosk, KioskFlowTx, KioskListing};
pub use listings::{Listings, ListingsTx};
pub use mail::{MailQueue, MailTx};
pub use overview::{HomeFigures, Overview};
pub use records::*;
pub use stations::{Stations, StationsTx};

/// What can go wrong in storage, in terms the application can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A named constraint refused the change (unique email, immutable email, one fallback…).
    #[error("conflict with constraint {0}")]
    Conflict(Constraint),
    /// The database gave up on the transaction because of a concurrent one (PostgreSQL deadlock
    /// or serialization failure, SQLite busy or locked): running it again can succeed.
    #[error("transaction lost a race with a concurrent one: {0}")]
    Contention(DatabaseError),
    /// Anything else the database or the driver said: nothing the application can act on.
    #[error(transparent)]
    Database(DatabaseError),
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The database URL names no backend this build has.
    #[error("unsupported database URL scheme {0:?}")]
    UnsupportedUrl(String),
}

/// What the database or driver said, kept opaque so that no sqlx type crosses the boundary.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(Box<dyn std::error::Error + Send + Sync>);

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    /// Names the constraint that refused a change, whichever database said it.
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if is_contention(db.code().as_deref()) {
                return StoreError::Contention(DatabaseError(Box::new(error)));
            }
            // A name the store does not know stays a database error, whose message names it;
            // a test keeps every constraint the migrations name in `Constraint`.
            let name = db
                .constraint()
                .map(str::to_owned)
                .or_else(|| sqlite::constraint_name(db.message()));
            if let Some(constraint) = name.as_deref().and_then(Constraint::from_name) {
                return StoreError::Conflict(constraint);
            }
        }
        if let sqlx::Error::RowNotFound = error {
            return StoreError::NotFound;
        }
        StoreError::Database(DatabaseError(Box::new(error)))
    }
}

/// Whether a database error code says that a concurrent transaction got in the way: PostgreSQL's
/// `deadlock_detected` and `serialization_failure`, SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED`
/// (with any extended code).
fn is_contention(code: Option<&str>) -> bool {
    match code {
        Some("40P01" | "40001") => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        None => false,
    }
}

/// Opens the database that `url` names (`sqlite:…` or `postgres://…`) and runs its migrations.
pub async fn connect(url: &str, audit_key: AuditKey) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(
            sqlite::SqliteStore::connect(url, audit_key).await?,
        ))
    } else if is_postgres_url(url) {
        Ok(Arc::new(
            postgres::PostgresStore::connect(url, audit_key).await?,
        ))
    } else {
        Err(StoreError::UnsupportedUrl(
            url.split(':').next().unwrap_or_default().to_owned(),
        ))
    }
}

/// Whether `url` names a PostgreSQL server (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The store the application sees: one area trait per part of the product, and the few
/// operations that span areas.
#[async_trait]
pub trait Store:
    Accounts
    + Directory
    + Listings
    + slots::Slots
    + MailQueue
    + AuditLog
    + Reports
    + Stations
    + Kiosk
    + Overview
    + Send
    + Sync
    + 'static
{
    /// Starts a write transaction; its changes land only with [`Tx::commit`].
    async fn begin(&self) -> StoreResult<Box<dyn Tx>>;

    /// Appends one audit event on its own (for events that change nothing else).
    async fn audit(&self, event: NewAuditEvent) -> StoreResult<()> {
        self.begin().await?.commit(event).await
    }

    async fn ping(&self) -> StoreResult<()>;

    /// Whether the database holds any account, provider or session (`demo` needs it empty).
    async fn has_data(&self) -> StoreResult<bool>;

    /// Deletes expired sessions, secrets and old rate-limit hits. (Client names are erased by
    /// [`KioskFlowTx::erase_client_names`], in an audited transaction.)
    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<()>;
}

/// One write transaction. Dropping it without `commit` rolls everything back.
#[async_trait]
pub trait Tx:
    AccountsTx + DirectoryTx + ListingsTx + MailTx + KioskTx + StationsTx + KioskFlowTx + Send
{
    /// Appends an audit event inside the transaction (for actions that record several).
    async fn record(&mut self, event: NewAuditEvent) -> StoreResult<()>;

    /// Appends the action's audit event and commits the whole transaction.
    async fn commit(self: Box<Self>, event: NewAuditEvent) -> StoreResult<()>;
}

/// Stamps the `Store` operations that span areas for a backend's store (with `pool`); the
/// backend passes its own `begin`, which differs (SQLite takes the write lock up front).
macro_rules! stamp_store {
    ($store:ty; $($begin:tt)*) => {
        const _: () = {
            use $crate::codec::Time;
            use $crate::decode::{EXPIRED_SECRET_KEPT, LONGEST_RATE_WINDOW};
            use $crate::{Store, StoreResult, Tx};
            use time::OffsetDateTime;

            #[async_trait::async_trait]
            impl Store for $store {
                $($begin)*

                async fn ping(&self) -> StoreResult<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn has_data(&self) -> StoreResult<bool> {
                    Ok(sqlx::query_scalar(
                        "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM providers)
                           OR EXISTS (SELECT 1 FROM kiosk_sessions)",
                    )
                    .fetch_one(&self.pool)
                    .await?)
                }

                #[tracing::instrument(skip_all)]
                async fn sweep(&self, now: OffsetDateTime) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                        .bind(Time(now))
                        .execute(&self.pool)
                        .await?;
                    sqlx::query("DELETE FROM sign_in_secrets WHERE expires_at <= $1")
                        .bind(Time(now - EXPIRED_SECRET_KEPT))
                        .execute(&self.pool)
                        .await?;
                    sqlx::query("DELETE FROM rate_limit_hits WHERE at <= $1")
                        .bind(Time(now - LONGEST_RATE_WINDOW))
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use stamp_store;

#[cfg(test)]
mod tests {
    use super::is_contention;

    #[test]
    fn deadlocks_serialization_failures_and_busy_databases_are_contention() {
        for code in ["40P01", "40001", "5", "517", "6", "262"] {
            assert!(is_contention(Some(code)), "{code}");
        }
        // Unique and foreign-key violations (PostgreSQL and SQLite) are answers, not races.
        for code in ["23505", "23503", "2067", "787", "1"] {
            assert!(!is_contention(Some(code)), "{code}");
        }
        assert!(!is_contention(None));
    }
}
