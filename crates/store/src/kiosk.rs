//! Listings, slots, stations and kiosk sessions (not login sessions), and the sessions report.
//! The traits, and the statements both databases share.

use crate::{ReportFilter, StoreResult};
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
    ($db:ty: $txty:ty; $($bulk:tt)*) => {
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
