//! The PostgreSQL backend, for several `wayfinder serve` instances on one database.
//!
//! Nothing lives in one process: every check that several instances could race on is one atomic
//! statement (code tries, the mail lease with `FOR UPDATE SKIP LOCKED`) or runs under a lock taken
//! in its transaction (the audit head row, an advisory lock per rate-limit bucket). The statements
//! both databases share are stamped here from the area modules, with this backend's lock clauses
//! (`Dialect`) and advisory locks (`serialise`, `bucket_tx`); what differs lives in `mail.rs`
//! (the lease) and `kiosk.rs` (bulk inserts with `UNNEST`, and the report).

mod kiosk;
mod mail;

use crate::StoreResult;
use crate::audit_chain::AuditKey;
use crate::migrations::{self, Embedded, migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};
use std::str::FromStr;

const MIGRATIONS: Embedded = crate::migrations::embedded!("postgres");

/// Connections each instance keeps at most; the server's `max_connections` must cover all
/// instances together (see the deployment guide).
const POOL_SIZE: u32 = 10;

pub(crate) struct PostgresStore {
    pool: PgPool,
    audit_key: AuditKey,
}

/// One write transaction (READ COMMITTED: what must not race takes a lock).
pub(crate) struct PostgresTx {
    tx: Transaction<'static, Postgres>,
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
        let migrations = migrator(MIGRATIONS).await?;
        migrations.run(&pool).await.map_err(migrations::failed)?;
        Ok(Self { pool, audit_key })
    }

    /// A transaction in which one rate-limit bucket's check-then-insert runs alone, whichever
    /// instance does it.
    async fn bucket_tx(&self, bucket: &str) -> StoreResult<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(bucket)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

impl PostgresStore {
    /// The Slots area's own write transaction, as `begin` opens it.
    async fn slots_tx(&self) -> StoreResult<PostgresTx> {
        Ok(PostgresTx {
            tx: self.pool.begin().await?,
            audit_key: self.audit_key.clone(),
        })
    }
}

impl PostgresTx {
    /// Serialises, across instances, the transactions that count or change a set of rows (the
    /// number of administrators, the one fallback provider), until this transaction ends.
    async fn serialise(&mut self, what: &str) -> StoreResult<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("wayfinder:{what}"))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

crate::stamp_store!(PostgresStore;
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        Ok(Box::new(PostgresTx {
            tx: self.pool.begin().await?,
            audit_key: self.audit_key.clone(),
        }))
    }
);
crate::accounts::stamp_account_reads!(PostgresStore);
crate::accounts::stamp_account_writes!(Postgres: PostgresTx);
crate::directory::stamp_directory_reads!(Postgres: PostgresStore);
crate::directory::stamp_directory_writes!(Postgres: PostgresTx);
crate::audit::stamp_audit!(Postgres: PostgresStore, PostgresTx);
crate::stations::stamp_stations!(PostgresStore, PostgresTx);
crate::listings::stamp_listings!(Postgres: PostgresStore, PostgresTx);
crate::kiosk_flow::stamp_kiosk_flow!(Postgres: PostgresStore, PostgresTx);
crate::slots::stamp_slots!(Postgres: PostgresStore);
crate::overview::stamp_overview!(PostgresStore);
