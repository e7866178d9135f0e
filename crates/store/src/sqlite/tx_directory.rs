//! Writes for users, memberships, providers and categories, inside a transaction.

use super::directory::provider_from_row;
use super::{micros, parse_id, user_from_row};
use crate::{StoreError, StoreResult};
use domain::{Category, CategoryId, Provider, ProviderId, User, UserId};
use sqlx::error::ErrorKind;
use sqlx::{QueryBuilder, SqliteConnection};
use time::OffsetDateTime;

pub(super) async fn user_for_update(
    conn: &mut SqliteConnection,
    id: UserId,
) -> StoreResult<Option<User>> {
    // BEGIN IMMEDIATE already holds the write lock: nobody changes the row meanwhile.
    sqlx::query("SELECT * FROM users WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?
        .map(|row| user_from_row(&row))
        .transpose()
}

pub(super) async fn update_user(conn: &mut SqliteConnection, user: &User) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET first_name = ?, last_name = ?, role = ?, can_download_reports = ?,
           invitation_expires_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(user.role.as_str())
    .bind(user.can_download_reports)
    .bind(micros(user.invitation_expires_at))
    .bind(micros(user.updated_at))
    .bind(user.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_user(conn: &mut SqliteConnection, id: UserId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_memberships(
    conn: &mut SqliteConnection,
    user: UserId,
    providers: &[ProviderId],
    now: OffsetDateTime,
) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)> {
    let current: Vec<String> =
        sqlx::query_scalar("SELECT provider_id FROM memberships WHERE user_id = ?")
            .bind(user.to_string())
            .fetch_all(&mut *conn)
            .await?;
    let current: Vec<ProviderId> = current
        .iter()
        .map(|id| parse_id(id))
        .collect::<StoreResult<_>>()?;
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
    conn: &mut SqliteConnection,
    user: UserId,
    provider: ProviderId,
    now: OffsetDateTime,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO memberships (user_id, provider_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(user.to_string())
    .bind(provider.to_string())
    .bind(micros(now))
    .execute(&mut *conn)
    .await;
    match done {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(sqlx::Error::Database(db)) if db.kind() == ErrorKind::ForeignKeyViolation => {
            Err(missing_reference(conn, user).await)
        }
        Err(other) => Err(other.into()),
    }
}

/// Names the foreign key that refused a membership, as PostgreSQL does: SQLite's message
/// ("FOREIGN KEY constraint failed") does not say which one.
async fn missing_reference(conn: &mut SqliteConnection, user: UserId) -> StoreError {
    let user_exists: Result<bool, _> =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)")
            .bind(user.to_string())
            .fetch_one(conn)
            .await;
    let constraint = match user_exists {
        Ok(false) => "memberships_user_id_fkey",
        Ok(true) => "memberships_provider_id_fkey",
        Err(error) => return error.into(),
    };
    StoreError::Conflict {
        constraint: constraint.into(),
    }
}

pub(super) async fn remove_membership(
    conn: &mut SqliteConnection,
    user: UserId,
    provider: ProviderId,
) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM memberships WHERE user_id = ? AND provider_id = ?")
        .bind(user.to_string())
        .bind(provider.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn count_providers(
    conn: &mut SqliteConnection,
    ids: &[ProviderId],
) -> StoreResult<i64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut query = QueryBuilder::new("SELECT count(*) FROM providers WHERE id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(id.to_string());
    }
    query.push(")");
    Ok(query.build_query_scalar().fetch_one(conn).await?)
}

pub(super) async fn provider_for_share(
    conn: &mut SqliteConnection,
    id: ProviderId,
) -> StoreResult<Option<Provider>> {
    // BEGIN IMMEDIATE already holds the write lock: nobody deletes the row meanwhile.
    sqlx::query("SELECT * FROM providers WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?
        .map(|row| provider_from_row(&row))
        .transpose()
}

pub(super) async fn insert_provider(conn: &mut SqliteConnection, p: &Provider) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO providers (id, name, description, booking_email, contact_email, phone, address,
           is_fallback, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(p.id.to_string())
    .bind(&p.name)
    .bind(&p.description)
    .bind(&p.booking_email)
    .bind(&p.contact_email)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(p.is_fallback)
    .bind(micros(p.created_at))
    .bind(micros(p.updated_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn update_provider(conn: &mut SqliteConnection, p: &Provider) -> StoreResult<()> {
    sqlx::query(
        "UPDATE providers SET name = ?, description = ?, booking_email = ?, contact_email = ?,
           phone = ?, address = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&p.name)
    .bind(&p.description)
    .bind(&p.booking_email)
    .bind(&p.contact_email)
    .bind(&p.phone)
    .bind(&p.address)
    .bind(micros(p.updated_at))
    .bind(p.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_provider(
    conn: &mut SqliteConnection,
    id: ProviderId,
) -> StoreResult<Option<Provider>> {
    sqlx::query("DELETE FROM providers WHERE id = ? RETURNING *")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?
        .map(|row| provider_from_row(&row))
        .transpose()
}

pub(super) async fn set_fallback(
    conn: &mut SqliteConnection,
    id: Option<ProviderId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("UPDATE providers SET is_fallback = 0, updated_at = ? WHERE is_fallback = 1")
        .bind(micros(now))
        .execute(&mut *conn)
        .await?;
    if let Some(id) = id {
        sqlx::query("UPDATE providers SET is_fallback = 1, updated_at = ? WHERE id = ?")
            .bind(micros(now))
            .bind(id.to_string())
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn insert_category(conn: &mut SqliteConnection, c: &Category) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO categories (id, name, colour, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(c.id.to_string())
    .bind(&c.name)
    .bind(&c.colour)
    .bind(micros(c.created_at))
    .bind(micros(c.updated_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn update_category(conn: &mut SqliteConnection, c: &Category) -> StoreResult<()> {
    sqlx::query("UPDATE categories SET name = ?, colour = ?, updated_at = ? WHERE id = ?")
        .bind(&c.name)
        .bind(&c.colour)
        .bind(micros(c.updated_at))
        .bind(c.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn delete_category(
    conn: &mut SqliteConnection,
    id: CategoryId,
) -> StoreResult<Option<i64>> {
    let used: i64 =
        sqlx::query_scalar("SELECT count(*) FROM listing_categories WHERE category_id = ?")
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?;
    let done = sqlx::query("DELETE FROM categories WHERE id = ?")
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok((done.rows_affected() == 1).then_some(used))
}
