//! Kiosk stations (SPEC §8.2): the secret links an administrator hands to a kiosk computer.
//! The traits, and the statements both databases share. Tokens are only ever seen as hashes.

use crate::StoreResult;
use async_trait::async_trait;
use domain::listing::Station;
use domain::{PageNumber, StationId};
use time::OffsetDateTime;

/// Reads of stations, and the one unaudited bookkeeping write (last used).
#[async_trait]
pub trait Stations {
    /// The station whose token hashes to `token_hash`, unless it is revoked.
    async fn live_station(&self, token_hash: &[u8]) -> StoreResult<Option<Station>>;
    /// Records that the station was used now.
    async fn touch_station(&self, id: StationId, now: OffsetDateTime) -> StoreResult<()>;
    /// A page of all stations, active and revoked, by name; and how many there are.
    async fn list_stations(&self, page: PageNumber) -> StoreResult<(Vec<Station>, i64)>;
    async fn station(&self, id: StationId) -> StoreResult<Option<Station>>;
}

/// Changes to stations, inside a transaction (creating one is `KioskTx::insert_station`).
#[async_trait]
pub trait StationsTx {
    /// Gives a live station a new token hash, so that the old link dies; `false` when the
    /// station is unknown or revoked.
    async fn replace_station_token(
        &mut self,
        id: StationId,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Revokes a live station, cancels the kiosk sessions still running on it and releases
    /// their slot holds. Returns
    /// `None` when the station is unknown or already revoked, or how many sessions ended.
    async fn revoke_station(
        &mut self,
        id: StationId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<u64>>;
}

/// Stamps `Stations` for a backend's store (with `pool`) and `StationsTx` for its transaction
/// (with `tx`).
macro_rules! stamp_stations {
    ($store:ty, $txty:ty) => {
        const _: () = {
            use domain::listing::Station;
            use domain::{PAGE_SIZE, PageNumber, StationId};
            use time::OffsetDateTime;
            use $crate::codec::{Id, Time};
            use $crate::rows::{self, StationRow};
            use $crate::{Stations, StationsTx, StoreResult};

            #[async_trait::async_trait]
            impl Stations for $store {
                #[tracing::instrument(skip_all)]
                async fn live_station(&self, token_hash: &[u8]) -> StoreResult<Option<Station>> {
                    let row: Option<StationRow> = sqlx::query_as(
                        "SELECT * FROM stations WHERE token_hash = $1 AND revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    rows::one(row)
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn touch_station(
                    &self,
                    id: StationId,
                    now: OffsetDateTime,
                ) -> StoreResult<()> {
                    sqlx::query("UPDATE stations SET last_used_at = $1 WHERE id = $2")
                        .bind(Time(now))
                        .bind(Id(id))
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                #[tracing::instrument(skip_all)]
                async fn list_stations(
                    &self,
                    page: PageNumber,
                ) -> StoreResult<(Vec<Station>, i64)> {
                    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM stations")
                        .fetch_one(&self.pool)
                        .await?;
                    let found: Vec<StationRow> = sqlx::query_as(
                        "SELECT * FROM stations ORDER BY lower(name), id LIMIT $1 OFFSET $2",
                    )
                    .bind(PAGE_SIZE)
                    .bind(page.offset())
                    .fetch_all(&self.pool)
                    .await?;
                    Ok((rows::all(found)?, total))
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn station(&self, id: StationId) -> StoreResult<Option<Station>> {
                    let row: Option<StationRow> =
                        sqlx::query_as("SELECT * FROM stations WHERE id = $1")
                            .bind(Id(id))
                            .fetch_optional(&self.pool)
                            .await?;
                    rows::one(row)
                }
            }

            #[async_trait::async_trait]
            impl StationsTx for $txty {
                #[tracing::instrument(skip_all, fields(%id))]
                async fn replace_station_token(
                    &mut self,
                    id: StationId,
                    token_hash: &[u8],
                    now: OffsetDateTime,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE stations SET token_hash = $1, updated_at = $2
                         WHERE id = $3 AND revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .bind(Time(now))
                    .bind(Id(id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(done.rows_affected() == 1)
                }

                #[tracing::instrument(skip_all, fields(%id))]
                async fn revoke_station(
                    &mut self,
                    id: StationId,
                    now: OffsetDateTime,
                ) -> StoreResult<Option<u64>> {
                    let done = sqlx::query(
                        "UPDATE stations SET revoked_at = $1, updated_at = $1
                         WHERE id = $2 AND revoked_at IS NULL",
                    )
                    .bind(Time(now))
                    .bind(Id(id))
                    .execute(&mut *self.tx)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Ok(None);
                    }
                    // A session running on a revoked station can never be finished there:
                    // its holds go first, then the session ends.
                    sqlx::query(
                        "UPDATE slots SET held_by_session = NULL, held_until = NULL
                         WHERE held_by_session IN (SELECT id FROM kiosk_sessions
                           WHERE station_id = $1 AND ended_at IS NULL)",
                    )
                    .bind(Id(id))
                    .execute(&mut *self.tx)
                    .await?;
                    let ended = sqlx::query(
                        "UPDATE kiosk_sessions SET ended_at = $1, outcome = 'cancelled'
                         WHERE station_id = $2 AND ended_at IS NULL",
                    )
                    .bind(Time(now))
                    .bind(Id(id))
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(Some(ended.rows_affected()))
                }
            }
        };
    };
}
pub(crate) use stamp_stations;
