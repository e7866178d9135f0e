//! The dashboard's start page: the first providers in the viewer's sight, and, for a member
//! with none yet, whom to ask (SPEC §2: "a user with none sees an empty dashboard that says so").

use crate::AppState;
use crate::error::Result;
use domain::{Permission, Viewer};
use store::{HomeFigures, ProviderSummary};
use time::Duration;

/// Kiosk sessions are counted over this many days back, bookings this many days ahead.
pub const SESSIONS_DAYS: i64 = 30;
pub const BOOKINGS_DAYS: i64 = 7;

/// What the start page shows.
pub struct Home {
    /// The first providers the viewer may see, by name.
    pub providers: Vec<ProviderSummary>,
    /// How many providers the viewer may see in all.
    pub provider_total: i64,
    /// No provider is in sight because none is assigned yet (not because there are none).
    pub unassigned: bool,
    /// Name and email of each administrator, when `unassigned`.
    pub admins: Vec<(String, String)>,
    /// The installation's figures, for someone who manages users (an administrator).
    pub figures: Option<HomeFigures>,
}

/// The start page for `viewer`, with at most `limit` provider cards.
pub async fn home(state: &AppState, viewer: &Viewer, limit: i64) -> Result<Home> {
    let (providers, provider_total) = super::providers::find(state, viewer, None, limit).await?;
    let unassigned = providers.is_empty() && !viewer.may_everywhere(Permission::SeeProviders);
    let admins = if unassigned {
        let admins = state.store.admins().await?;
        admins
            .iter()
            .map(|a| (a.full_name(), a.email.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Home {
        providers,
        provider_total,
        unassigned,
        admins,
        figures: figures(state, viewer).await?,
    })
}

/// The setup checklist's and the counts' figures; `None` for anyone who does not manage the
/// whole installation (they are counts across every provider).
pub async fn figures(state: &AppState, viewer: &Viewer) -> Result<Option<HomeFigures>> {
    if !viewer.may_everywhere(Permission::ManageUsers) {
        return Ok(None);
    }
    let now = state.now();
    let since = now - Duration::days(SESSIONS_DAYS);
    let until = now + Duration::days(BOOKINGS_DAYS);
    Ok(Some(state.store.home_figures(now, since, until).await?))
}
