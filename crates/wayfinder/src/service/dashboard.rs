//! The dashboard's start page: the first providers in the viewer's sight, and, for a member
//! with none yet, whom to ask (SPEC §2: "a user with none sees an empty dashboard that says so").

use crate::AppState;
use crate::error::Result;
use domain::{Permission, Viewer};
use store::ProviderSummary;

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
    })
}
