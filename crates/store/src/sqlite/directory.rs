//! Reads for the dashboard's lists: users, providers, members, categories, audit events.

use super::{from_micros, micros, parse_id, user_from_row};
use crate::audit_chain::StoredAuditEvent;
use crate::decode::like_pattern;
use crate::{AuditFilter, CategoryWithCount, Membership, ProviderSummary, StoreResult, UserFilter};
use domain::{Category, PAGE_SIZE, PageNumber, Provider, ProviderId, User, UserId};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

fn push_user_filter(query: &mut QueryBuilder<'_, Sqlite>, filter: &UserFilter) {
    query.push(" FROM users u WHERE 1 = 1");
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = like_pattern(q.trim());
        query
            .push(" AND (lower(u.first_name || ' ' || u.last_name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR u.email LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(role) = filter.role {
        query.push(" AND u.role = ").push_bind(role.as_str());
    }
    if let Some(provider) = filter.provider_id {
        query
            .push(" AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.provider_id = ")
            .push_bind(provider.to_string())
            .push(")");
    }
}

pub(super) async fn list_users(
    pool: &SqlitePool,
    filter: &UserFilter,
    page: PageNumber,
) -> StoreResult<(Vec<User>, i64)> {
    let mut count = QueryBuilder::new("SELECT count(*)");
    push_user_filter(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::new("SELECT u.*");
    push_user_filter(&mut select, filter);
    select
        .push(" ORDER BY lower(u.last_name), lower(u.first_name), u.email LIMIT ")
        .push_bind(PAGE_SIZE)
        .push(" OFFSET ")
        .push_bind(page.offset());
    let users = select.build().fetch_all(pool).await?;
    Ok((
        users
            .iter()
            .map(user_from_row)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn memberships_of(
    pool: &SqlitePool,
    users: &[UserId],
) -> StoreResult<Vec<Membership>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::new(
        "SELECT m.user_id, m.provider_id, p.name FROM memberships m
         JOIN providers p ON p.id = m.provider_id WHERE m.user_id IN (",
    );
    let mut list = query.separated(", ");
    for user in users {
        list.push_bind(user.to_string());
    }
    query.push(") ORDER BY p.name");
    let rows = query.build().fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(Membership {
                user_id: parse_id(&row.try_get::<String, _>(0)?)?,
                provider_id: parse_id(&row.try_get::<String, _>(1)?)?,
                provider_name: row.try_get(2)?,
            })
        })
        .collect()
}

pub(super) async fn undelivered_to(
    pool: &SqlitePool,
    recipients: &[String],
) -> StoreResult<Vec<String>> {
    if recipients.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::new(
        "SELECT DISTINCT recipient FROM mail_queue
         WHERE sent_at IS NULL AND last_error IS NOT NULL AND recipient IN (",
    );
    let mut list = query.separated(", ");
    for recipient in recipients {
        list.push_bind(recipient.clone());
    }
    query.push(")");
    Ok(query.build_query_scalar().fetch_all(pool).await?)
}

pub(super) fn provider_from_row(row: &SqliteRow) -> StoreResult<Provider> {
    Ok(Provider {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        booking_email: row.try_get("booking_email")?,
        contact_email: row.try_get("contact_email")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        is_fallback: row.try_get("is_fallback")?,
        created_at: from_micros(row.try_get("created_at")?)?,
        updated_at: from_micros(row.try_get("updated_at")?)?,
    })
}

pub(super) async fn list_providers(
    pool: &SqlitePool,
    scope: domain::Scope,
    page: PageNumber,
) -> StoreResult<(Vec<Provider>, i64)> {
    const VISIBLE: &str = "FROM providers p WHERE ?1 OR EXISTS
        (SELECT 1 FROM memberships m WHERE m.provider_id = p.id AND m.user_id = ?2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) {VISIBLE}"))
        .bind(scope.is_all())
        .bind(scope.member_of().map(|id| id.to_string()))
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT p.* {VISIBLE} ORDER BY lower(p.name), p.id LIMIT ?3 OFFSET ?4"
    ))
    .bind(scope.is_all())
    .bind(scope.member_of().map(|id| id.to_string()))
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        rows.iter()
            .map(provider_from_row)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn provider(pool: &SqlitePool, id: ProviderId) -> StoreResult<Option<Provider>> {
    sqlx::query("SELECT * FROM providers WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?
        .map(|row| provider_from_row(&row))
        .transpose()
}

pub(super) async fn is_member(
    pool: &SqlitePool,
    user: UserId,
    provider: ProviderId,
) -> StoreResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM memberships WHERE user_id = ? AND provider_id = ?")
            .bind(user.to_string())
            .bind(provider.to_string())
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub(super) async fn members(
    pool: &SqlitePool,
    provider: ProviderId,
    page: PageNumber,
) -> StoreResult<(Vec<User>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships WHERE provider_id = ?")
        .bind(provider.to_string())
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(
        "SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.provider_id = ?
         ORDER BY lower(u.last_name), lower(u.first_name), u.email LIMIT ? OFFSET ?",
    )
    .bind(provider.to_string())
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        rows.iter().map(user_from_row).collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn non_members(
    pool: &SqlitePool,
    provider: ProviderId,
    limit: i64,
) -> StoreResult<Vec<User>> {
    let rows = sqlx::query(
        "SELECT u.* FROM users u WHERE NOT EXISTS
           (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.provider_id = ?)
         ORDER BY lower(u.last_name), lower(u.first_name), u.email LIMIT ?",
    )
    .bind(provider.to_string())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

fn category_from_row(row: &SqliteRow) -> StoreResult<CategoryWithCount> {
    Ok(CategoryWithCount {
        category: Category {
            id: parse_id(&row.try_get::<String, _>("id")?)?,
            name: row.try_get("name")?,
            colour: row.try_get("colour")?,
            created_at: from_micros(row.try_get("created_at")?)?,
            updated_at: from_micros(row.try_get("updated_at")?)?,
        },
        listing_count: row.try_get("listing_count")?,
    })
}

const CATEGORY_COLUMNS: &str = "SELECT c.*, (SELECT count(*) FROM listing_categories lc
    WHERE lc.category_id = c.id) AS listing_count FROM categories c";

pub(super) async fn list_categories(
    pool: &SqlitePool,
    page: PageNumber,
) -> StoreResult<(Vec<CategoryWithCount>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM categories")
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query(&format!(
        "{CATEGORY_COLUMNS} ORDER BY lower(c.name) LIMIT ? OFFSET ?"
    ))
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        rows.iter()
            .map(category_from_row)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn category(
    pool: &SqlitePool,
    id: domain::CategoryId,
) -> StoreResult<Option<CategoryWithCount>> {
    sqlx::query(&format!("{CATEGORY_COLUMNS} WHERE c.id = ?"))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?
        .map(|row| category_from_row(&row))
        .transpose()
}

fn push_audit_filter(query: &mut QueryBuilder<'_, Sqlite>, filter: &AuditFilter) {
    query.push(" FROM audit_events WHERE 1 = 1");
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
        query.push(" AND at >= ").push_bind(micros(from));
    }
    if let Some(until) = filter.until {
        query.push(" AND at < ").push_bind(micros(until));
    }
}

pub(super) async fn audit_page(
    pool: &SqlitePool,
    filter: &AuditFilter,
    page: PageNumber,
) -> StoreResult<(Vec<StoredAuditEvent>, i64)> {
    let mut count = QueryBuilder::new("SELECT count(*)");
    push_audit_filter(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::new("SELECT *");
    push_audit_filter(&mut select, filter);
    select
        .push(" ORDER BY seq DESC LIMIT ")
        .push_bind(PAGE_SIZE)
        .push(" OFFSET ")
        .push_bind(page.offset());
    let rows = select.build().fetch_all(pool).await?;
    Ok((
        rows.iter()
            .map(super::audit_from_row)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn audit_matching(
    pool: &SqlitePool,
    filter: &AuditFilter,
) -> StoreResult<Vec<StoredAuditEvent>> {
    let mut select = QueryBuilder::new("SELECT *");
    push_audit_filter(&mut select, filter);
    select.push(" ORDER BY seq");
    let rows = select.build().fetch_all(pool).await?;
    rows.iter().map(super::audit_from_row).collect()
}

/// The providers in scope whose name contains the pattern.
fn push_provider_search<'a>(
    query: &mut QueryBuilder<'a, Sqlite>,
    scope: domain::Scope,
    q: Option<&str>,
) {
    query
        .push(" FROM providers p WHERE (")
        .push_bind(scope.is_all())
        .push(" OR EXISTS (SELECT 1 FROM memberships m WHERE m.provider_id = p.id AND m.user_id = ")
        .push_bind(scope.member_of().map(|id| id.to_string()))
        .push("))");
    if let Some(q) = q {
        query
            .push(" AND lower(p.name) LIKE ")
            .push_bind(like_pattern(q))
            .push(" ESCAPE '\\'");
    }
}

fn summary_from_row(row: &SqliteRow) -> StoreResult<ProviderSummary> {
    Ok(ProviderSummary {
        id: parse_id(&row.try_get::<String, _>("id")?)?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
    })
}

pub(super) async fn find_providers(
    pool: &SqlitePool,
    scope: domain::Scope,
    q: Option<&str>,
    limit: i64,
) -> StoreResult<(Vec<ProviderSummary>, i64)> {
    let mut count = QueryBuilder::new("SELECT count(*)");
    push_provider_search(&mut count, scope, q);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut select = QueryBuilder::new("SELECT p.id, p.name, p.description");
    push_provider_search(&mut select, scope, q);
    select
        .push(" ORDER BY lower(p.name), p.id LIMIT ")
        .push_bind(limit);
    let rows = select.build().fetch_all(pool).await?;
    let found = rows
        .iter()
        .map(summary_from_row)
        .collect::<StoreResult<_>>()?;
    Ok((found, total))
}

pub(super) async fn providers_by_ids(
    pool: &SqlitePool,
    ids: &[ProviderId],
) -> StoreResult<Vec<ProviderSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::new("SELECT id, name, description FROM providers WHERE id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(id.to_string());
    }
    query.push(") ORDER BY lower(name), id");
    let rows = query.build().fetch_all(pool).await?;
    rows.iter().map(summary_from_row).collect()
}
