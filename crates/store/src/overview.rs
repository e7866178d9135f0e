//! The figures of the dashboard's start page (issue 12): what the setup checklist ticks off and
//! the counts that lead an administrator to work. One statement, the same on both databases.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// Counts across the whole installation (the start page shows them to administrators).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeFigures {
    pub providers: i64,
    pub categories: i64,
    /// Whether a fallback provider is chosen.
    pub fallback_chosen: bool,
    /// Every account, administrators included.
    pub users: i64,
    /// Stations that are not revoked.
    pub stations: i64,
    /// Never signed in, invitation still valid.
    pub invitations_pending: i64,
    /// Never signed in, invitation lapsed.
    pub invitations_expired: i64,
    /// Accounts with the User role and no provider: they see an empty dashboard.
    pub users_without_provider: i64,
    /// Kiosk sessions started in the window given.
    pub recent_sessions: i64,
    /// Booked slots that start in the window given.
    pub upcoming_bookings: i64,
}

#[async_trait]
pub trait Overview {
    /// The figures at `now`: sessions started since `sessions_since`, bookings that start
    /// before `bookings_until`.
    async fn home_figures(
        &self,
        now: OffsetDateTime,
        sessions_since: OffsetDateTime,
        bookings_until: OffsetDateTime,
    ) -> StoreResult<HomeFigures>;
}

/// Stamps `Overview` for a backend's store (with `pool`).
macro_rules! stamp_overview {
    ($store:ty) => {
        const _: () = {
            use time::OffsetDateTime;
            use $crate::codec::Time;
            use $crate::overview::{HomeFigures, Overview};
            use $crate::StoreResult;

            #[async_trait::async_trait]
            impl Overview for $store {
                #[tracing::instrument(skip_all)]
                async fn home_figures(
                    &self,
                    now: OffsetDateTime,
                    sessions_since: OffsetDateTime,
                    bookings_until: OffsetDateTime,
                ) -> StoreResult<HomeFigures> {
                    let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
                        "SELECT
                           (SELECT count(*) FROM providers),
                           (SELECT count(*) FROM categories),
                           (SELECT count(*) FROM providers WHERE is_fallback),
                           (SELECT count(*) FROM users),
                           (SELECT count(*) FROM stations WHERE revoked_at IS NULL),
                           (SELECT count(*) FROM users
                             WHERE activated_at IS NULL AND invitation_expires_at > $1),
                           (SELECT count(*) FROM users
                             WHERE activated_at IS NULL AND invitation_expires_at <= $1),
                           (SELECT count(*) FROM users u WHERE u.role = 'user' AND NOT EXISTS
                              (SELECT 1 FROM memberships m WHERE m.user_id = u.id)),
                           (SELECT count(*) FROM kiosk_sessions WHERE started_at >= $2),
                           (SELECT count(*) FROM slots WHERE booked_by_session IS NOT NULL
                              AND starts_at >= $1 AND starts_at < $3)",
                    )
                    .bind(Time(now))
                    .bind(Time(sessions_since))
                    .bind(Time(bookings_until))
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(HomeFigures {
                        providers: row.0,
                        categories: row.1,
                        fallback_chosen: row.2 > 0,
                        users: row.3,
                        stations: row.4,
                        invitations_pending: row.5,
                        invitations_expired: row.6,
                        users_without_provider: row.7,
                        recent_sessions: row.8,
                        upcoming_bookings: row.9,
                    })
                }
            }
        };
    };
}
pub(crate) use stamp_overview;
