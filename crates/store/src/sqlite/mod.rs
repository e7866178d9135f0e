//! The SQLite backend: one file in the data directory, WAL, foreign keys on.
//!
//! Write transactions start with `BEGIN IMMEDIATE`, so a read-then-write inside one (the audit
//! chain head, rate limits, the number of admins) is atomic against every other writer, in this
//! process or another: this is why SQLite needs none of PostgreSQL's lock clauses and advisory
//! locks. The statements both databases share are stamped here from the area modules; what
//! differs lives in `mail.rs` (the lease) and `kiosk.rs` (bulk inserts and the report).

mod kiosk;
mod mail;

use crate::StoreResult;
use crate::audit_chain::AuditKey;
use crate::migrations::{self, Embedded, migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;

const MIGRATIONS: Embedded = crate::migrations::embedded!("sqlite");

pub(crate) struct SqliteStore {
    pool: SqlitePool,
    audit_key: AuditKey,
}

/// One write transaction, holding the database's write lock from its start.
pub(crate) struct SqliteTx {
    tx: Transaction<'static, Sqlite>,
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        let migrations = migrator(MIGRATIONS).await?;
        migrations.run(&pool).await.map_err(migrations::failed)?;
        Ok(Self { pool, audit_key })
    }

    /// A transaction for one rate-limit bucket's check-then-insert: `BEGIN IMMEDIATE` already
    /// makes it run alone.
    async fn bucket_tx(&self, _bucket: &str) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

impl SqliteStore {
    /// The Slots area's own write transaction, as `begin` opens it.
    async fn slots_tx(&self) -> StoreResult<SqliteTx> {
        Ok(SqliteTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            audit_key: self.audit_key.clone(),
        })
    }
}

impl SqliteTx {
    /// Nothing to do: the transaction holds the one write lock already.
    async fn serialise(&mut self, _what: &str) -> StoreResult<()> {
        Ok(())
    }
}

crate::stamp_store!(SqliteStore;
    async fn begin(&self) -> StoreResult<Box<dyn Tx>> {
        Ok(Box::new(SqliteTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            audit_key: self.audit_key.clone(),
        }))
    }
);
crate::accounts::stamp_account_reads!(SqliteStore);
crate::accounts::stamp_account_writes!(Sqlite: SqliteTx);
crate::directory::stamp_directory_reads!(Sqlite: SqliteStore);
crate::directory::stamp_directory_writes!(Sqlite: SqliteTx);
crate::audit::stamp_audit!(Sqlite: SqliteStore, SqliteTx);
crate::stations::stamp_stations!(SqliteStore, SqliteTx);
crate::listings::stamp_listings!(Sqlite: SqliteStore, SqliteTx);
crate::kiosk_flow::stamp_kiosk_flow!(Sqlite: SqliteStore, SqliteTx);
crate::slots::stamp_slots!(Sqlite: SqliteStore);
crate::overview::stamp_overview!(SqliteStore);

/// The constraint named in SQLite's message, which has no separate field for it.
pub(crate) fn constraint_name(message: &str) -> Option<String> {
    // SQLite names the columns, not the index, of a unique index on plain columns.
    const BY_COLUMNS: &[(&str, &str)] = &[
        ("memberships.", "memberships_pkey"),
        ("providers.is_fallback", "providers_one_fallback"),
        (
            "slots.listing_id, slots.starts_at",
            "slots_listing_start_key",
        ),
        ("sign_in_secrets.token_hash", "sign_in_secrets_token_key"),
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
