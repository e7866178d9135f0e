//! The directory's writes, the same on both databases but for the lock clauses of `Dialect`
//! and the backend's `serialise`.

/// Stamps `DirectoryTx` for a backend's transaction (which has `tx` and `serialise`).
macro_rules! stamp_directory_writes {
    ($db:ty: $txty:ty) => {
        const _: () = {
            use $crate::codec::{self, Id, Time};
            use $crate::dialect::{Dialect, push_list};
            use $crate::rows::{self, ProviderRow};
            use $crate::{Constraint, DirectoryTx, StoreError, StoreResult};
            use domain::{Category, CategoryId, Provider, ProviderId, UserId};
            use sqlx::QueryBuilder;
            use sqlx::error::ErrorKind;
            use time::OffsetDateTime;

            impl $txty {
                /// Names the foreign key that refused a membership where the database did not
                /// (SQLite's message, "FOREIGN KEY constraint failed", does not say which one).
                async fn missing_reference(&mut self, user: UserId) -> StoreError {
                    let user_exists: Result<bool, _> =
                        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
                            .bind(Id(user))
                            .fetch_one(&mut *self.tx)
                            .await;
                    match user_exists {
                        Ok(false) => StoreError::Conflict(Constraint::MembershipsUserIdFkey),
                        Ok(true) => StoreError::Conflict(Constraint::MembershipsProviderIdFkey),
                        Err(error) => error.into(),
                    }
                }
            }

            #[async_trait::async_trait]
            impl DirectoryTx for $txty {
                #[tracing::instrument(skip_all, fields(%user_id))]
                async fn set_memberships(
                    &mut self,
                    user_id: UserId,
                    providers: &[ProviderId],
                    now: OffsetDateTime,
                ) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)> {
                    let sql = format!(
                        "SELECT provider_id FROM memberships WHERE user_id = $1{}",
                        <$db as Dialect>::FOR_UPDATE
                    );
                    let current: Vec<Id<ProviderId>> = sqlx::query_scalar(&sql)
                        .bind(Id(user_id))
                        .fetch_all(&mut *self.tx)
                        .await?;
                    let current: Vec<ProviderId> = current.into_iter().map(|Id(p)| p).collect();
                    let added: Vec<ProviderId> =
                        providers.iter().filter(|p| !current.contains(p)).copied().collect();
                    let removed: Vec<ProviderId> =
                        current.iter().filter(|p| !providers.contains(p)).copied().collect();
                    for provider in &added {
                        self.add_membership(user_id, *provider, now).await?;
                    }
                    for provider in &removed {
                        self.remove_membership(user_id, *provider).await?;
                    }
                    Ok((added, removed))
                }

                #[tracing::instrument(skip_all, fields(%user_id, %provider_id))]
                async fn add_membership(
                    &mut self,
                    user_id: UserId,
                    provider_id: ProviderId,
                    now: OffsetDateTime,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "INSERT INTO memberships (user_id, provider_id, created_at)
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(Id(user_id))
                    .bind(Id(provider_id))
                    .bind(Time(now))
                    .execute(&mut *self.tx)
                    .await;
                    match done {
                        Ok(done) => Ok(done.rows_affected() == 1),
                        Err(sqlx::Error::Database(db))
                            if db.kind() == ErrorKind::ForeignKeyViolation
                                && db.constraint().is_none() =>
                        {
                            Err(self.missing_reference(user_id).await)
                        }
                        Err(other) => Err(other.into()),
                    }
                }

                async fn remove_membership(
                    &mut self,
                    user_id: UserId,
                    provider_id: ProviderId,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM memberships WHERE user_id = $1 AND provider_id = $2",
                    )
                    .bind(Id(user_id))
                    .bind(Id(provider_id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn count_providers(&mut self, ids: &[ProviderId]) -> StoreResult<i64> {
                    if ids.is_empty() {
                        return Ok(0);
                    }
                    // On PostgreSQL, FOR KEY SHARE is the lock a foreign-key check takes, but
                    // taken now rather than at the insert: a concurrent delete then waits for
                    // this transaction (or, if it came first, this one sees the row gone),
                    // instead of failing the insert or deadlocking with it later, after this
                    // transaction has locked the audit head. Ordered by id, so lockers queue in
                    // one order.
                    let mut query = QueryBuilder::new("SELECT id FROM providers WHERE id IN ");
                    push_list(&mut query, codec::ids(ids));
                    query.push(" ORDER BY id").push(<$db as Dialect>::FOR_KEY_SHARE);
                    let locked: Vec<Id<ProviderId>> =
                        query.build_query_scalar().fetch_all(&mut *self.tx).await?;
                    Ok(locked.len() as i64)
                }

                async fn provider_for_share(
                    &mut self,
                    id: ProviderId,
                ) -> StoreResult<Option<Provider>> {
                    // Blocks a concurrent delete, not a concurrent edit of the profile.
                    let sql = format!(
                        "SELECT * FROM providers WHERE id = $1{}",
                        <$db as Dialect>::FOR_KEY_SHARE
                    );
                    let row: Option<ProviderRow> = sqlx::query_as(&sql)
                        .bind(Id(id))
                        .fetch_optional(&mut *self.tx)
                        .await?;
                    rows::one(row)
                }

                #[tracing::instrument(skip_all, fields(id = %p.id))]
                async fn insert_provider(&mut self, p: &Provider) -> StoreResult<()> {
                    if p.is_fallback {
                        self.serialise("fallback").await?;
                    }
                    sqlx::query(
                        "INSERT INTO providers (id, name, description, booking_email,
                           contact_email, phone, address, is_fallback, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(Id(p.id))
                    .bind(&p.name)
                    .bind(&p.description)
                    .bind(&p.booking_email)
                    .bind(&p.contact_email)
                    .bind(&p.phone)
                    .bind(&p.address)
                    .bind(p.is_fallback)
                    .bind(Time(p.created_at))
                    .bind(Time(p.updated_at))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(id = %p.id))]
                async fn update_provider(&mut self, p: &Provider) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE providers SET name = $1, description = $2, booking_email = $3,
                           contact_email = $4, phone = $5, address = $6, updated_at = $7
                         WHERE id = $8",
                    )
                    .bind(&p.name)
                    .bind(&p.description)
                    .bind(&p.booking_email)
                    .bind(&p.contact_email)
                    .bind(&p.phone)
                    .bind(&p.address)
                    .bind(Time(p.updated_at))
                    .bind(Id(p.id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn delete_provider(
                    &mut self,
                    id: ProviderId,
                ) -> StoreResult<Option<Provider>> {
                    let row: Option<ProviderRow> =
                        sqlx::query_as("DELETE FROM providers WHERE id = $1 RETURNING *")
                            .bind(Id(id))
                            .fetch_optional(&mut *self.tx)
                            .await?;
                    rows::one(row)
                }

                async fn set_fallback(
                    &mut self,
                    id: Option<ProviderId>,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    // Two admins choosing at once: the second waits, then clears what the first
                    // chose.
                    self.serialise("fallback").await?;
                    sqlx::query(
                        "UPDATE providers SET is_fallback = FALSE, updated_at = $1
                         WHERE is_fallback = TRUE",
                    )
                    .bind(Time(now))
                    .execute(&mut *self.tx)
                    .await?;
                    if let Some(id) = id {
                        sqlx::query(
                            "UPDATE providers SET is_fallback = TRUE, updated_at = $1
                             WHERE id = $2",
                        )
                        .bind(Time(now))
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    }
                    Ok(())
                }

                async fn insert_category(&mut self, c: &Category) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO categories (id, name, colour, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(Id(c.id))
                    .bind(&c.name)
                    .bind(&c.colour)
                    .bind(Time(c.created_at))
                    .bind(Time(c.updated_at))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn update_category(&mut self, c: &Category) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE categories SET name = $1, colour = $2, updated_at = $3
                         WHERE id = $4",
                    )
                    .bind(&c.name)
                    .bind(&c.colour)
                    .bind(Time(c.updated_at))
                    .bind(Id(c.id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn delete_category(&mut self, id: CategoryId) -> StoreResult<Option<i64>> {
                    let used: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM listing_categories WHERE category_id = $1",
                    )
                    .bind(Id(id))
                    .fetch_one(&mut *self.tx)
                    .await?;
                    let done = sqlx::query("DELETE FROM categories WHERE id = $1")
                        .bind(Id(id))
                        .execute(&mut *self.tx)
                        .await?;
                    Ok((done.rows_affected() == 1).then_some(used))
                }
            }
        };
    };
}
pub(crate) use stamp_directory_writes;
