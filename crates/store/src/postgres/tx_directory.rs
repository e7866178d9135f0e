//! Writes for users, memberships, providers and categories on PostgreSQL, inside a transaction.
//!
//! Where SQLite's single writer makes a read-then-write safe, PostgreSQL takes a lock: the user
//! row (`FOR UPDATE`), or a transaction-scoped advisory lock for checks that span rows (the
//! number of administrators, the one fallback provider).

use super::rows;
use crate::StoreResult;
use domain::{Category, CategoryId, Provider, ProviderId, User, UserId};
use sqlx::PgConnection;
use time::OffsetDateTime;

/// Serialises, across instances, the transactions that count or change a set of rows.
pub(super) async fn serialise(conn: &mut PgConnection, what: &str) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(format!("wayfinder:{what}"))
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn user_for_update(
    conn: &mut PgConnection,
    id: UserId,
) -> StoreResult<Option<User>> {
    sqlx::query("SELECT * FROM users WHERE id = $1 FOR UPDATE")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .map(|row| rows::user(&row))
        .transpose()
}

pub(super) async fn update_user(conn: &mut PgConnection, user: &User) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, role = $3, can_download_reports = $4,
           invitation_expires_at = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(user.role.as_str())
    .bind(user.can_download_reports)
    .bind(user.invitation_expires_at)
    .bind(user.updated_at)
    .bind(user.id.0)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_user(conn: &mut PgConnection, id: UserId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_memberships(
    conn: &mut PgConnection,
    user: UserId,
    providers: &[ProviderId],
    now: OffsetDateTime,
) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)> {
    let current: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT provider_id FROM memberships WHERE user_id = $1 FOR UPDATE")
            .bind(user.0)
            .fetch_all(&mut *conn)
            .await?;
    let current: Vec<ProviderId> = current.into_iter().map(ProviderId).collect();
    let added: Vec<ProviderId> = providers
        .iter()
        .filter(|p| !current.contains(p))
        .copied()
        .collect();
    let removed: Vec<ProviderId> = current
        .iter()
        .filter(|p| !providers.contains(p))
        .copied()
        .collect();
    for provider in &added {
        add_membership(conn, user, *provider, now).await?;
    }
    for provider in &removed {
        remove_membership(conn, user, *provider).await?;
    }
    Ok((added, removed))
}

pub(super) async fn add_membership(
    conn: &mut PgConnection,
    user: UserId,
    provider: ProviderId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO memberships (user_id, provider_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(user.0)
    .bind(provider.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn remove_membership(
    conn: &mut PgConnection,
    user: UserId,
    provider: ProviderId,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND provider_id = $2")
        .bind(user.0)
        .bind(provider.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn count_providers(
    conn: &mut PgConnection,
    ids: &[ProviderId],
) -> StoreResult<i64> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|p| p.0).collect();
    // FOR KEY SHARE, the lock a foreign-key check takes, but now rather than at the insert: a
    // concurrent delete then waits for this transaction (or, if it came first, this one sees
    // the row gone), instead of failing the insert or deadlocking with it later, after this
    // transaction has locked the audit head. Ordered by id, so lockers queue in one order.
    let locked: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM providers WHERE id = ANY($1) ORDER BY id FOR KEY SHARE")
            .bind(ids)
            .fetch_all(conn)
            .await?;
    Ok(locked.len() as i64)
}

pub(super) async fn provider_for_share(
    conn: &mut PgConnection,
    id: ProviderId,
) -> StoreResult<Option<Provider>> {
    // Blocks a concurrent delete, not a concurrent edit of the profile.
    sqlx::query("SELECT * FROM providers WHERE id = $1 FOR KEY SHARE")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .map(|row| rows::provider(&row))
        .transpose()
}

pub(super) async fn insert_provider(conn: &mut PgConnection, p: &Provider) -> StoreResult<()> {
    if p.is_fallback {
        serialise(&mut *conn, "fallback").await?;
    }
    sqlx::query(
        "INSERT INTO providers (id, name, description, booking_email, contact_email, phone, address,
           is_fallback, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(p.id.0)
    .bind(&p.name)
    .bind(&p.description)
    .bind(&p.booking_email)
    .bind(&p.contact_email)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(p.is_fallback)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn update_provider(conn: &mut PgConnection, p: &Provider) -> StoreResult<()> {
    sqlx::query(
        "UPDATE providers SET name = $1, description = $2, booking_email = $3, contact_email = $4,
           phone = $5, address = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&p.name)
    .bind(&p.description)
    .bind(&p.booking_email)
    .bind(&p.contact_email)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(p.updated_at)
    .bind(p.id.0)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_provider(
    conn: &mut PgConnection,
    id: ProviderId,
) -> StoreResult<Option<Provider>> {
    sqlx::query("DELETE FROM providers WHERE id = $1 RETURNING *")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .map(|row| rows::provider(&row))
        .transpose()
}

pub(super) async fn set_fallback(
    conn: &mut PgConnection,
    id: Option<ProviderId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    // Two admins choosing at once: the second waits, then clears what the first chose.
    serialise(&mut *conn, "fallback").await?;
    sqlx::query("UPDATE providers SET is_fallback = false, updated_at = $1 WHERE is_fallback")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if let Some(id) = id {
        sqlx::query("UPDATE providers SET is_fallback = true, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id.0)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_category(conn: &mut PgConnection, c: &Category) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO categories (id, name, colour, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(c.id.0)
    .bind(&c.name)
    .bind(&c.colour)
    .bind(c.created_at)
    .bind(c.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn update_category(conn: &mut PgConnection, c: &Category) -> StoreResult<()> {
    sqlx::query("UPDATE categories SET name = $1, colour = $2, updated_at = $3 WHERE id = $4")
        .bind(&c.name)
        .bind(&c.colour)
        .bind(c.updated_at)
        .bind(c.id.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn delete_category(
    conn: &mut PgConnection,
    id: CategoryId,
) -> StoreResult<Option<i64>> {
    let used: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listing_categories WHERE category_id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
    let done = sqlx::query("DELETE FROM categories WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok((done.rows_affected() == 1).then_some(used))
}
