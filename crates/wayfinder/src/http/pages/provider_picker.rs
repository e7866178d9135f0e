//! Choosing providers on the Users pages without loading the whole directory: the boxes already
//! ticked plus the first matches of a search, so each page stays small however many providers
//! there are (an installation with 12,000 providers rendered 1.26 MB per users page before).

use super::PageError;
use crate::AppState;
use crate::service::providers;
use domain::{ProviderId, Viewer};
use store::ProviderSummary;

/// How many search matches a picker or a filter list shows at most.
pub const SHOWN: i64 = 50;

/// The providers a form offers as checkboxes.
pub struct ProviderChoices {
    /// Ticked ones first, then search matches that are not ticked.
    pub shown: Vec<ProviderSummary>,
    /// How many providers match the search in all (the ticked ones aside).
    pub matching: i64,
    /// What was searched for, to show again.
    pub search: String,
}

impl ProviderChoices {
    /// Whether the search found more than the form shows.
    pub fn more(&self) -> bool {
        self.matching > SHOWN
    }

    /// How many matches the form shows at most.
    pub fn limit(&self) -> i64 {
        SHOWN
    }
}

/// The choices for a form with these ids ticked and this search typed.
pub async fn choices(
    state: &AppState,
    viewer: &Viewer,
    ticked: &[String],
    search: &str,
) -> Result<ProviderChoices, PageError> {
    // Unknown or malformed ids are left for the service to report on the field.
    let ids: Vec<ProviderId> = ticked.iter().filter_map(|id| id.parse().ok()).collect();
    let mut shown = providers::by_ids(state, viewer, &ids).await?;
    let q = domain::text::parse_query(Some(search)).unwrap_or(None);
    let (found, matching) = providers::find(state, viewer, q.as_deref(), SHOWN).await?;
    shown.extend(found.into_iter().filter(|p| !ids.contains(&p.id)));
    Ok(ProviderChoices {
        shown,
        matching,
        search: search.trim().to_owned(),
    })
}

/// Up to [`SHOWN`] provider names for the users filter's suggestions, matching what is typed.
pub async fn suggestions(
    state: &AppState,
    viewer: &Viewer,
    typed: Option<&str>,
) -> Result<Vec<ProviderSummary>, PageError> {
    let q = domain::text::parse_query(typed).unwrap_or(None);
    Ok(providers::find(state, viewer, q.as_deref(), SHOWN).await?.0)
}
