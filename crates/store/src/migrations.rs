//! Migrations embedded in the binary, one list per backend with the same names in both.

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// `(version, description, sql)` for each migration, in order.
pub(crate) type Embedded = &'static [(i64, &'static str, &'static str)];

#[derive(Debug)]
struct Source(Embedded);

impl<'s> MigrationSource<'s> for Source {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// A migrator over the embedded list.
pub(crate) async fn migrator(list: Embedded) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Source(list)).await
}
