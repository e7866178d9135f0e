//! Maintenance beside the `Store`, for test harnesses and operators; the application does not
//! use it: scratch PostgreSQL databases (a fresh one per test) and one raw statement (for tests
//! that prove the database itself refuses a change, whatever the application does).

use crate::{StoreError, StoreResult};
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};

/// A database name we create or drop: plain lower-case identifiers only, so quoting is safe.
fn checked(name: &str) -> StoreResult<&str> {
    let plain = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain {
        Ok(name)
    } else {
        Err(StoreError::Corrupt(format!(
            "unusable database name {name:?}"
        )))
    }
}

/// Creates the empty database `name` on the PostgreSQL server that `server_url` connects to.
pub async fn create_postgres_database(server_url: &str, name: &str) -> StoreResult<()> {
    let mut conn = PgConnection::connect(server_url).await?;
    conn.execute(format!("CREATE DATABASE \"{}\"", checked(name)?).as_str())
        .await?;
    conn.close().await?;
    Ok(())
}

/// Drops the database `name`, ending any connection still open to it.
pub async fn drop_postgres_database(server_url: &str, name: &str) -> StoreResult<()> {
    let mut conn = PgConnection::connect(server_url).await?;
    conn.execute(
        format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            checked(name)?
        )
        .as_str(),
    )
    .await?;
    conn.close().await?;
    Ok(())
}

/// Runs one statement directly on the database that `url` names; returns the rows it changed.
/// Errors name the refusing constraint exactly as the `Store` reports them.
pub async fn execute(url: &str, sql: &str) -> StoreResult<u64> {
    if crate::is_postgres_url(url) {
        let mut conn = PgConnection::connect(url).await?;
        let done = conn.execute(sql).await;
        conn.close().await?;
        Ok(done?.rows_affected())
    } else {
        let mut conn = SqliteConnection::connect(url).await?;
        let done = conn.execute(sql).await;
        conn.close().await?;
        Ok(done?.rows_affected())
    }
}
