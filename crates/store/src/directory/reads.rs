//! The directory's reads, the same on both databases.

/// Stamps `Directory` for a backend's store (which has `pool`).
macro_rules! stamp_directory_reads {
    ($db:ty: $store:ty) => {
        const _: () = {
            use domain::{CategoryId, PAGE_SIZE, PageNumber, Provider, ProviderId, User, UserId};
            use sqlx::QueryBuilder;
            use $crate::codec::{self, Id};
            use $crate::decode::like_pattern;
            use $crate::dialect::push_list;
            use $crate::directory::{BY_NAME, CATEGORY_COLUMNS};
            use $crate::rows::{
                self, CategoryRow, MembershipRow, ProviderRow, ProviderSummaryRow, UserRow,
            };
            use $crate::{
                AccountState, CategoryWithCount, Directory, Membership, ProviderSummary,
                StoreResult, UserFilter, UserSort,
            };

            fn push_user_filter<'a>(query: &mut QueryBuilder<'a, $db>, filter: &'a UserFilter) {
                query.push(" FROM users u WHERE TRUE");
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
                        .push(" AND EXISTS (SELECT 1 FROM memberships m")
                        .push(" WHERE m.user_id = u.id AND m.provider_id = ")
                        .push_bind(Id(provider))
                        .push(")");
                }
                push_account_state(query, filter.state);
            }

            fn push_account_state(query: &mut QueryBuilder<'_, $db>, state: Option<AccountState>) {
                use $crate::codec::Time;
                match state {
                    None => {}
                    Some(AccountState::Active) => {
                        query.push(" AND u.activated_at IS NOT NULL");
                    }
                    Some(AccountState::InvitationPending(now)) => {
                        query
                            .push(" AND u.activated_at IS NULL AND u.invitation_expires_at > ")
                            .push_bind(Time(now));
                    }
                    Some(AccountState::InvitationExpired(now)) => {
                        query
                            .push(" AND u.activated_at IS NULL AND u.invitation_expires_at <= ")
                            .push_bind(Time(now));
                    }
                    Some(AccountState::NoProvider) => {
                        query.push(
                            " AND u.role = 'user' AND NOT EXISTS \
                             (SELECT 1 FROM memberships m WHERE m.user_id = u.id)",
                        );
                    }
                }
            }

            /// `ORDER BY` for a list of users: the chosen order, then by name.
            fn push_user_sort(query: &mut QueryBuilder<'_, $db>, sort: UserSort) {
                match sort {
                    UserSort::Name => {
                        query.push(BY_NAME);
                    }
                    UserSort::LastSignIn => {
                        query
                            .push(" ORDER BY (u.last_sign_in_at IS NULL), u.last_sign_in_at DESC,");
                        query.push(&BY_NAME[" ORDER BY".len()..]);
                    }
                    UserSort::Status(now) => {
                        query
                            .push(" ORDER BY CASE WHEN u.activated_at IS NOT NULL THEN 2")
                            .push(" WHEN u.invitation_expires_at > ")
                            .push_bind(codec::Time(now))
                            .push(" THEN 1 ELSE 0 END,");
                        query.push(&BY_NAME[" ORDER BY".len()..]);
                    }
                }
            }

            /// The providers a viewer may see whose name contains the pattern.
            fn push_provider_search(
                query: &mut QueryBuilder<'_, $db>,
                scope: domain::Scope,
                q: Option<&str>,
            ) {
                query
                    .push(" FROM providers p WHERE (")
                    .push_bind(scope.is_all())
                    .push(" OR EXISTS (SELECT 1 FROM memberships m")
                    .push(" WHERE m.provider_id = p.id AND m.user_id = ")
                    .push_bind(scope.member_of().map(Id))
                    .push("))");
                if let Some(q) = q {
                    query
                        .push(" AND lower(p.name) LIKE ")
                        .push_bind(like_pattern(q))
                        .push(" ESCAPE '\\'");
                }
            }

            #[async_trait::async_trait]
            impl Directory for $store {
                async fn provider_ids(&self, user_id: UserId) -> StoreResult<Vec<ProviderId>> {
                    let ids: Vec<Id<ProviderId>> = sqlx::query_scalar(
                        "SELECT provider_id FROM memberships WHERE user_id = $1
                         ORDER BY provider_id",
                    )
                    .bind(Id(user_id))
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(ids.into_iter().map(|Id(id)| id).collect())
                }

                #[tracing::instrument(skip_all)]
                async fn find_providers(
                    &self,
                    scope: domain::Scope,
                    q: Option<&str>,
                    limit: i64,
                ) -> StoreResult<(Vec<ProviderSummary>, i64)> {
                    let mut count = QueryBuilder::new("SELECT count(*)");
                    push_provider_search(&mut count, scope, q);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    let mut select = QueryBuilder::new("SELECT p.id, p.name, p.description");
                    push_provider_search(&mut select, scope, q);
                    select
                        .push(" ORDER BY lower(p.name), p.id LIMIT ")
                        .push_bind(limit);
                    let found: Vec<ProviderSummaryRow> =
                        select.build_query_as().fetch_all(&self.pool).await?;
                    Ok((rows::all(found)?, total))
                }

                async fn providers_by_ids(
                    &self,
                    ids: &[ProviderId],
                ) -> StoreResult<Vec<ProviderSummary>> {
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::new(
                        "SELECT id, name, description FROM providers WHERE id IN ",
                    );
                    push_list(&mut query, codec::ids(ids));
                    query.push(" ORDER BY lower(name), id");
                    let found: Vec<ProviderSummaryRow> =
                        query.build_query_as().fetch_all(&self.pool).await?;
                    rows::all(found)
                }

                #[tracing::instrument(skip_all)]
                async fn list_users(
                    &self,
                    filter: &UserFilter,
                    page: PageNumber,
                ) -> StoreResult<(Vec<User>, i64)> {
                    let mut count = QueryBuilder::new("SELECT count(*)");
                    push_user_filter(&mut count, filter);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    let mut select = QueryBuilder::new("SELECT u.*");
                    push_user_filter(&mut select, filter);
                    push_user_sort(&mut select, filter.sort);
                    select
                        .push(" LIMIT ")
                        .push_bind(PAGE_SIZE)
                        .push(" OFFSET ")
                        .push_bind(page.offset());
                    let found: Vec<UserRow> = select.build_query_as().fetch_all(&self.pool).await?;
                    Ok((rows::all(found)?, total))
                }

                #[tracing::instrument(skip_all, fields(count = emails.len()))]
                async fn users_by_emails(
                    &self,
                    emails: &[domain::EmailAddress],
                ) -> StoreResult<Vec<User>> {
                    if emails.is_empty() {
                        return Ok(Vec::new());
                    }
                    // Addresses are stored canonical (lower case); `lower(email)` is indexed.
                    let mut query = QueryBuilder::new("SELECT * FROM users WHERE lower(email) IN ");
                    push_list(&mut query, emails.iter().map(|e| e.as_str()).collect());
                    query.push(" ORDER BY email");
                    let found: Vec<UserRow> = query.build_query_as().fetch_all(&self.pool).await?;
                    rows::all(found)
                }

                async fn memberships_of(&self, users: &[UserId]) -> StoreResult<Vec<Membership>> {
                    if users.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut query = QueryBuilder::new(
                        "SELECT m.user_id, m.provider_id, p.name FROM memberships m
                         JOIN providers p ON p.id = m.provider_id WHERE m.user_id IN ",
                    );
                    push_list(&mut query, codec::ids(users));
                    query.push(" ORDER BY p.name");
                    let found: Vec<MembershipRow> =
                        query.build_query_as().fetch_all(&self.pool).await?;
                    rows::all(found)
                }

                #[tracing::instrument(skip_all)]
                async fn list_providers(
                    &self,
                    scope: domain::Scope,
                    q: Option<&str>,
                    page: PageNumber,
                ) -> StoreResult<(Vec<Provider>, i64)> {
                    let mut count = QueryBuilder::new("SELECT count(*)");
                    push_provider_search(&mut count, scope, q);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    let mut select = QueryBuilder::new("SELECT p.*");
                    push_provider_search(&mut select, scope, q);
                    select
                        .push(" ORDER BY lower(p.name), p.id LIMIT ")
                        .push_bind(PAGE_SIZE)
                        .push(" OFFSET ")
                        .push_bind(page.offset());
                    let found: Vec<ProviderRow> =
                        select.build_query_as().fetch_all(&self.pool).await?;
                    Ok((rows::all(found)?, total))
                }

                async fn provider(&self, id: ProviderId) -> StoreResult<Option<Provider>> {
                    let row: Option<ProviderRow> =
                        sqlx::query_as("SELECT * FROM providers WHERE id = $1")
                            .bind(Id(id))
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }

                async fn fallback_provider(&self) -> StoreResult<Option<Provider>> {
                    let row: Option<ProviderRow> =
                        sqlx::query_as("SELECT * FROM providers WHERE is_fallback LIMIT 1")
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }

                async fn is_member(
                    &self,
                    user_id: UserId,
                    provider_id: ProviderId,
                ) -> StoreResult<bool> {
                    let found = sqlx::query(
                        "SELECT 1 FROM memberships WHERE user_id = $1 AND provider_id = $2",
                    )
                    .bind(Id(user_id))
                    .bind(Id(provider_id))
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(found.is_some())
                }

                async fn members(
                    &self,
                    provider_id: ProviderId,
                    page: PageNumber,
                ) -> StoreResult<(Vec<User>, i64)> {
                    let total: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM memberships WHERE provider_id = $1",
                    )
                    .bind(Id(provider_id))
                    .fetch_one(&self.pool)
                    .await?;
                    let found: Vec<UserRow> = sqlx::query_as(&format!(
                        "SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id
                         WHERE m.provider_id = $1{BY_NAME} LIMIT $2 OFFSET $3"
                    ))
                    .bind(Id(provider_id))
                    .bind(PAGE_SIZE)
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                    Ok((rows::all(found)?, total))
                }

                async fn non_members(
                    &self,
                    provider_id: ProviderId,
                    q: Option<&str>,
                    limit: i64,
                ) -> StoreResult<(Vec<User>, i64)> {
                    let filter = UserFilter {
                        q: q.map(str::to_owned),
                        role: Some(domain::Role::User),
                        ..UserFilter::default()
                    };
                    let push = |query: &mut QueryBuilder<'_, $db>| {
                        query
                            .push(" AND NOT EXISTS (SELECT 1 FROM memberships m")
                            .push(" WHERE m.user_id = u.id AND m.provider_id = ")
                            .push_bind(Id(provider_id))
                            .push(")");
                    };
                    let mut count = QueryBuilder::new("SELECT count(*)");
                    push_user_filter(&mut count, &filter);
                    push(&mut count);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    let mut select = QueryBuilder::new("SELECT u.*");
                    push_user_filter(&mut select, &filter);
                    push(&mut select);
                    select.push(BY_NAME).push(" LIMIT ").push_bind(limit);
                    let found: Vec<UserRow> = select.build_query_as().fetch_all(&self.pool).await?;
                    Ok((rows::all(found)?, total))
                }

                async fn list_categories(
                    &self,
                    page: PageNumber,
                ) -> StoreResult<(Vec<CategoryWithCount>, i64)> {
                    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM categories")
                        .fetch_one(&self.pool)
                        .await?;
                    let found: Vec<CategoryRow> = sqlx::query_as(&format!(
                        "{CATEGORY_COLUMNS} ORDER BY lower(c.name) LIMIT $1 OFFSET $2"
                    ))
                    .bind(PAGE_SIZE)
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                    Ok((rows::all(found)?, total))
                }

                async fn category(&self, id: CategoryId) -> StoreResult<Option<CategoryWithCount>> {
                    let row: Option<CategoryRow> =
                        sqlx::query_as(&format!("{CATEGORY_COLUMNS} WHERE c.id = $1"))
                            .bind(Id(id))
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }
            }
        };
    };
}
pub(crate) use stamp_directory_reads;
