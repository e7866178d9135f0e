//! What differs between the two databases in statements that are otherwise written once: the
//! lock clauses, which SQLite does not need (a write transaction starts with `BEGIN IMMEDIATE`
//! and so already holds the database's one write lock).
//!
//! The shared statements live in the area modules (`accounts.rs`, `directory.rs`, …) as
//! `macro_rules!` that stamp a trait impl for each backend's concrete pool and transaction, so
//! every bind and decode is checked against each database's own types (sqlx::Any would lose
//! PostgreSQL's native types). Each backend passes in the few methods where the databases
//! really differ, and says why there.

use sqlx::{Database, Encode, Postgres, QueryBuilder, Sqlite, Type};

/// A backend's spelling of the clauses that differ.
pub(crate) trait Dialect: Database {
    /// Appended to a `SELECT` whose rows the transaction goes on to change.
    const FOR_UPDATE: &'static str;
    /// Appended to a `SELECT` whose rows must not be deleted before the transaction ends.
    const FOR_KEY_SHARE: &'static str;
}

impl Dialect for Sqlite {
    const FOR_UPDATE: &'static str = "";
    const FOR_KEY_SHARE: &'static str = "";
}

impl Dialect for Postgres {
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const FOR_KEY_SHARE: &'static str = " FOR KEY SHARE";
}

/// Pushes `(…, …)` with one bind per value: an `IN` list both databases accept. The lists are
/// short (a page of users, the boxes ticked on a form), well under either bind limit.
pub(crate) fn push_list<'a, DB, T>(query: &mut QueryBuilder<'a, DB>, values: Vec<T>)
where
    DB: Database,
    T: Encode<'a, DB> + Type<DB> + 'a,
{
    query.push("(");
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    query.push(")");
}
