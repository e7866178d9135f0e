//! Migrations embedded in the binary, one list per backend with the same names in both.

use crate::{StoreError, StoreResult};
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
pub(crate) async fn migrator(list: Embedded) -> StoreResult<Migrator> {
    Migrator::new(Source(list)).await.map_err(failed)
}

/// A migration that did not apply: the database is not in a state this build can use.
pub(crate) fn failed(error: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

/// The list of one backend's migrations, `src/<backend>/migrations/`: the same names in both.
macro_rules! embedded {
    ($backend:literal) => {
        &[
            (1, "accounts", $crate::migrations::embedded!(@file $backend, "0001_accounts.sql")),
            (2, "directory", $crate::migrations::embedded!(@file $backend, "0002_directory.sql")),
            (3, "sessions", $crate::migrations::embedded!(@file $backend, "0003_sessions.sql")),
            (4, "mail delivery", $crate::migrations::embedded!(@file $backend, "0004_mail_delivery.sql")),
            (5, "slots", $crate::migrations::embedded!(@file $backend, "0005_slots.sql")),
            (7, "kiosk", $crate::migrations::embedded!(@file $backend, "0007_kiosk.sql")),
            (8, "stations", $crate::migrations::embedded!(@file $backend, "0008_stations.sql")),
            (9, "name erasure", $crate::migrations::embedded!(@file $backend, "0009_name_erasure.sql")),
        ]
    };
    (@file $backend:literal, $name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/",
            $backend,
            "/migrations/",
            $name
        ))
    };
}
pub(crate) use embedded;
