//! Listings, slots, stations and kiosk sessions (not login sessions), and the sessions report.
//! The traits, and the statements both databases share.

use crate::{ReportFilter, SessionOutcome, StoreResult};
use async_trait::async_trait;
use domain::listing::{Listing, Slot, Station};
use domain::report::{KioskSession, SessionReportRow};

/// The sessions report.
pub trait Reports {
    /// Streams the report's rows, oldest session first, through a small buffer: the caller's
    /// pace sets the reading pace, so memory stays flat for any number of rows.
    fn session_report(
        &self,
        filter: ReportFilter,
    ) -> tokio::sync::mpsc::Receiver<StoreResult<SessionReportRow>>;

    /// The same sessions as `session_report` for the same filter, in the same order, with only
    /// when each started and how it ended: cheap enough to count a long range on a page.
    fn session_outcomes(
        &self,
        filter: ReportFilter,
    ) -> tokio::sync::mpsc::Receiver<StoreResult<SessionOutcome>>;
}

/// Rows of the report buffered between the database and the download.
pub(crate) const REPORT_BUFFER: usize = 256;

/// Sends the report's rows down the channel as they come off the database: a slow download
/// holds back the reading rather than filling memory. Stops at the first error, or when the
/// channel is closed (the download was abandoned).
pub(crate) async fn pump<R, T>(
    mut rows: impl futures_util::Stream<Item = Result<R, sqlx::Error>> + Unpin,
    decode: impl Fn(&R) -> StoreResult<T>,
    sender: tokio::sync::mpsc::Sender<StoreResult<T>>,
) {
    use futures_util::TryStreamExt;
    loop {
        let next = match rows.try_next().await {
            Ok(Some(row)) => decode(&row),
            Ok(None) => return,
            Err(error) => Err(error.into()),
        };
        let failed = next.is_err();
        if sender.send(next).await.is_err() || failed {
            return;
        }
    }
}

/// Writes of the kiosk's world, inside a transaction.
#[async_trait]
pub trait KioskTx {
    async fn insert_listing(&mut self, listing: &Listing) -> StoreResult<()>;
    async fn insert_slots(&mut self, slots: &[Slot]) -> StoreResult<()>;
    async fn insert_station(&mut self, station: &Station) -> StoreResult<()>;
    /// Records finished kiosk sessions with their categories and selections, in bulk.
    async fn insert_kiosk_sessions(&mut self, sessions: &[KioskSession]) -> StoreResult<()>;
}

/// Stamps `KioskTx` for a backend's transaction (with `tx`); the backend passes its own bulk
/// inserts (`insert_slots`, `insert_kiosk_sessions`), which differ.
macro_rules! stamp_kiosk {
    ($txty:ty; $($bulk:tt)*) => {
        const _: () = {
            use $crate::codec::{Id, Time};
            use $crate::{KioskTx, StoreResult};
            use domain::listing::{Listing, Slot, Station};
            use domain::report::KioskSession;

            #[async_trait::async_trait]
            impl KioskTx for $txty {
                #[tracing::instrument(skip_all, fields(id = %l.id))]
                async fn insert_listing(&mut self, l: &Listing) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO listings (id, provider_id, kind, name, description,
                           eligibility_notes, gender, min_age, max_age, indigenous, created_at,
                           updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                    )
                    .bind(Id(l.id))
                    .bind(Id(l.provider_id))
                    .bind(l.kind.as_str())
                    .bind(&l.name)
                    .bind(&l.description)
                    .bind(&l.eligibility_notes)
                    .bind(l.gender.as_str())
                    .bind(l.min_age)
                    .bind(l.max_age)
                    .bind(l.indigenous.as_str())
                    .bind(Time(l.created_at))
                    .execute(&mut *self.tx)
                    .await?;
                    // A listing has a handful of categories: one insert each on both databases.
                    for category in &l.category_ids {
                        sqlx::query(
                            "INSERT INTO listing_categories (listing_id, category_id)
                             VALUES ($1, $2)",
                        )
                        .bind(Id(l.id))
                        .bind(Id(*category))
                        .execute(&mut *self.tx)
                        .await?;
                    }
                    Ok(())
                }

                #[tracing::instrument(skip_all, fields(id = %s.id))]
                async fn insert_station(&mut self, s: &Station) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO stations (id, name, token_hash, revoked_at, created_at,
                           updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(Id(s.id))
                    .bind(&s.name)
                    .bind(&s.token_hash)
                    .bind(s.revoked_at.map(Time))
                    .bind(Time(s.created_at))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                $($bulk)*
            }
        };
    };
}
pub(crate) use stamp_kiosk;

/// Stamps `Reports` for a backend's store (with `pool`); the backend passes its own queries
/// (`$1` from, `$2` until, `$3` the member's user id or NULL) and row decoder, which differ.
macro_rules! stamp_reports {
    ($store:ty; sql = $sql:expr, row = $row:expr, outcomes = $outcomes:expr) => {
        impl $crate::Reports for $store {
            fn session_report(
                &self,
                filter: $crate::ReportFilter,
            ) -> tokio::sync::mpsc::Receiver<$crate::StoreResult<domain::report::SessionReportRow>>
            {
                use $crate::codec::{self, Time};
                let (sender, receiver) = tokio::sync::mpsc::channel($crate::kiosk::REPORT_BUFFER);
                let pool = self.pool.clone();
                tokio::spawn(async move {
                    let rows = sqlx::query($sql)
                        .bind(Time(filter.from))
                        .bind(Time(filter.until))
                        .bind(codec::id(filter.member_of))
                        .fetch(&pool);
                    $crate::kiosk::pump(rows, $row, sender).await;
                });
                receiver
            }

            fn session_outcomes(
                &self,
                filter: $crate::ReportFilter,
            ) -> tokio::sync::mpsc::Receiver<$crate::StoreResult<$crate::SessionOutcome>> {
                use sqlx::FromRow;
                use $crate::codec::{self, Time};
                let (sender, receiver) = tokio::sync::mpsc::channel($crate::kiosk::REPORT_BUFFER);
                let pool = self.pool.clone();
                tokio::spawn(async move {
                    let rows = sqlx::query($outcomes)
                        .bind(Time(filter.from))
                        .bind(Time(filter.until))
                        .bind(codec::id(filter.member_of))
                        .fetch(&pool);
                    let decode = |row: &_| Ok($crate::rows::OutcomeRow::from_row(row)?.into());
                    $crate::kiosk::pump(rows, decode, sender).await;
                });
                receiver
            }
        }
    };
}
pub(crate) use stamp_reports;
