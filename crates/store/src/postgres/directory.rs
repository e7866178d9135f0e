//! Reads for the dashboard's lists on PostgreSQL: users, providers, members, categories, audit.

use super::rows;
use crate::audit_chain::StoredAuditEvent;
use crate::decode::like_pattern;
use crate::{AuditFilter, CategoryWithCount, Membership, ProviderSummary, StoreResult, UserFilter};
use domain::{PAGE_SIZE, PageNumber, Provider, ProviderId, User, UserId};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

fn push_user_filter(query: &mut QueryBuilder<'_, Postgres>, filter: &UserFilter) {
    query.push(" FROM users u WHERE true");
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
            .push_bind(provider.0)
            .push(")");
    }
}

pub(super) async fn list_users(
    pool: &PgPool,
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
        users.iter().map(rows::user).collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn memberships_of(
    pool: &PgPool,
    users: &[UserId],
) -> StoreResult<Vec<Membership>> {
    let ids: Vec<uuid::Uuid> = users.iter().map(|u| u.0).collect();
    let found = sqlx::query(
        "SELECT m.user_id, m.provider_id, p.name FROM memberships m
         JOIN providers p ON p.id = m.provider_id WHERE m.user_id = ANY($1) ORDER BY p.name",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    found
        .iter()
        .map(|row| {
            Ok(Membership {
                user_id: UserId(row.try_get(0)?),
                provider_id: ProviderId(row.try_get(1)?),
                provider_name: row.try_get(2)?,
            })
        })
        .collect()
}

pub(super) async fn undelivered_to(
    pool: &PgPool,
    recipients: &[String],
) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT recipient FROM mail_queue
         WHERE sent_at IS NULL AND last_error IS NOT NULL AND recipient = ANY($1)",
    )
    .bind(recipients)
    .fetch_all(pool)
    .await?)
}

pub(super) async fn list_providers(
    pool: &PgPool,
    scope: domain::Scope,
    page: PageNumber,
) -> StoreResult<(Vec<Provider>, i64)> {
    const VISIBLE: &str = "FROM providers p WHERE $1 OR EXISTS
        (SELECT 1 FROM memberships m WHERE m.provider_id = p.id AND m.user_id = $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) {VISIBLE}"))
        .bind(scope.is_all())
        .bind(scope.member_of().map(|id| id.0))
        .fetch_one(pool)
        .await?;
    let found = sqlx::query(&format!(
        "SELECT p.* {VISIBLE} ORDER BY lower(p.name), p.id LIMIT $3 OFFSET $4"
    ))
    .bind(scope.is_all())
    .bind(scope.member_of().map(|id| id.0))
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        found
            .iter()
            .map(rows::provider)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn provider(pool: &PgPool, id: ProviderId) -> StoreResult<Option<Provider>> {
    sqlx::query("SELECT * FROM providers WHERE id = $1")
        .bind(id.0)
        .fetch_optional(pool)
        .await?
        .map(|row| rows::provider(&row))
        .transpose()
}

pub(super) async fn is_member(
    pool: &PgPool,
    user: UserId,
    provider: ProviderId,
) -> StoreResult<bool> {
    let found: Option<i32> =
        sqlx::query_scalar("SELECT 1 FROM memberships WHERE user_id = $1 AND provider_id = $2")
            .bind(user.0)
            .bind(provider.0)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub(super) async fn members(
    pool: &PgPool,
    provider: ProviderId,
    page: PageNumber,
) -> StoreResult<(Vec<User>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships WHERE provider_id = $1")
        .bind(provider.0)
        .fetch_one(pool)
        .await?;
    let found = sqlx::query(
        "SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.provider_id = $1
         ORDER BY lower(u.last_name), lower(u.first_name), u.email LIMIT $2 OFFSET $3",
    )
    .bind(provider.0)
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        found.iter().map(rows::user).collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn non_members(
    pool: &PgPool,
    provider: ProviderId,
    limit: i64,
) -> StoreResult<Vec<User>> {
    let found = sqlx::query(
        "SELECT u.* FROM users u WHERE NOT EXISTS
           (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.provider_id = $1)
         ORDER BY lower(u.last_name), lower(u.first_name), u.email LIMIT $2",
    )
    .bind(provider.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    found.iter().map(rows::user).collect()
}

const CATEGORY_COLUMNS: &str = "SELECT c.*, (SELECT count(*) FROM listing_categories lc
    WHERE lc.category_id = c.id) AS listing_count FROM categories c";

pub(super) async fn list_categories(
    pool: &PgPool,
    page: PageNumber,
) -> StoreResult<(Vec<CategoryWithCount>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM categories")
        .fetch_one(pool)
        .await?;
    let found = sqlx::query(&format!(
        "{CATEGORY_COLUMNS} ORDER BY lower(c.name) LIMIT $1 OFFSET $2"
    ))
    .bind(PAGE_SIZE)
    .bind(page.offset())
    .fetch_all(pool)
    .await?;
    Ok((
        found
            .iter()
            .map(rows::category)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn category(
    pool: &PgPool,
    id: domain::CategoryId,
) -> StoreResult<Option<CategoryWithCount>> {
    sqlx::query(&format!("{CATEGORY_COLUMNS} WHERE c.id = $1"))
        .bind(id.0)
        .fetch_optional(pool)
        .await?
        .map(|row| rows::category(&row))
        .transpose()
}

fn push_audit_filter(query: &mut QueryBuilder<'_, Postgres>, filter: &AuditFilter) {
    query.push(" FROM audit_events WHERE true");
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
        query.push(" AND at >= ").push_bind(from);
    }
    if let Some(until) = filter.until {
        query.push(" AND at < ").push_bind(until);
    }
}

pub(super) async fn audit_page(
    pool: &PgPool,
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
    let found = select.build().fetch_all(pool).await?;
    Ok((
        found
            .iter()
            .map(rows::audit_event)
            .collect::<StoreResult<_>>()?,
        total,
    ))
}

pub(super) async fn audit_matching(
    pool: &PgPool,
    filter: &AuditFilter,
) -> StoreResult<Vec<StoredAuditEvent>> {
    let mut select = QueryBuilder::new("SELECT *");
    push_audit_filter(&mut select, filter);
    select.push(" ORDER BY seq");
    let found = select.build().fetch_all(pool).await?;
    found.iter().map(rows::audit_event).collect()
}

/// The providers in scope whose name contains the pattern.
fn push_provider_search<'a>(
    query: &mut QueryBuilder<'a, Postgres>,
    scope: domain::Scope,
    q: Option<&str>,
) {
    query
        .push(" FROM providers p WHERE (")
        .push_bind(scope.is_all())
        .push(" OR EXISTS (SELECT 1 FROM memberships m WHERE m.provider_id = p.id AND m.user_id = ")
        .push_bind(scope.member_of().map(|id| id.0))
        .push("))");
    if let Some(q) = q {
        query
            .push(" AND lower(p.name) LIKE ")
            .push_bind(like_pattern(q))
            .push(" ESCAPE '\\'");
    }
}

pub(super) async fn find_providers(
    pool: &PgPool,
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
        .map(rows::provider_summary)
        .collect::<StoreResult<_>>()?;
    Ok((found, total))
}

pub(super) async fn providers_by_ids(
    pool: &PgPool,
    ids: &[ProviderId],
) -> StoreResult<Vec<ProviderSummary>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query(
        "SELECT id, name, description FROM providers WHERE id = ANY($1) ORDER BY lower(name), id",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?
    .iter()
    .map(rows::provider_summary)
    .collect()
}
