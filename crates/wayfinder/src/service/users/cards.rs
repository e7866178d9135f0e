//! Reading the Users section: the list's filter as typed, and user cards (one, or a page).

use crate::AppState;
use crate::error::{AppError, Result};
use domain::{PageNumber, Permission, ProviderId, Role, User, UserId, Viewer};
use serde::Deserialize;
use store::{AccountState, Membership, UserFilter};

/// The Users list's filter as typed (query parameters of the page and the API).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UserQuery {
    /// Part of the name or email.
    pub q: Option<String>,
    /// Only accounts with this role.
    #[param(schema_with = crate::http::api::views::role_schema)]
    pub role: Option<String>,
    /// Only members of this provider.
    pub provider_id: Option<String>,
    /// Only accounts that stand so: `active`, `pending` (invitation not yet used), `expired`
    /// (invitation lapsed), `no-provider` (a User who is a member of no provider).
    pub status: Option<String>,
    /// The page, from 1 (a number out of range is clamped).
    pub page: Option<i64>,
}

impl UserQuery {
    /// The filter at `now` (which invitations have lapsed depends on it).
    pub fn filter(&self, now: time::OffsetDateTime) -> Result<UserFilter> {
        let role = match self.role.as_deref().filter(|r| !r.is_empty()) {
            Some(role) => Some(
                Role::parse(role)
                    .ok_or_else(|| AppError::field("role", "Choose admin or user."))?,
            ),
            None => None,
        };
        let provider_id = match self.provider_id.as_deref().filter(|p| !p.is_empty()) {
            Some(id) => Some(
                id.parse()
                    .map_err(|_| AppError::field("provider_id", "Unknown provider."))?,
            ),
            None => None,
        };
        let q = domain::text::parse_query(self.q.as_deref())
            .map_err(|message| AppError::field("q", message))?;
        let state = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(status) => Some(
                account_state(status, now)
                    .ok_or_else(|| AppError::field("status", "Choose a status from the list."))?,
            ),
        };
        Ok(UserFilter {
            q,
            role,
            provider_id,
            sort: store::UserSort::Name,
            state,
        })
    }
}

/// The `status` filter's values, with what the Users page calls them.
pub const STATUSES: [(&str, &str); 4] = [
    ("active", "Active"),
    ("pending", "Invitation pending"),
    ("expired", "Invitation expired"),
    ("no-provider", "Users with no provider"),
];

fn account_state(status: &str, now: time::OffsetDateTime) -> Option<AccountState> {
    Some(match status {
        "active" => AccountState::Active,
        "pending" => AccountState::InvitationPending(now),
        "expired" => AccountState::InvitationExpired(now),
        "no-provider" => AccountState::NoProvider,
        _ => return None,
    })
}

/// A user with what their card shows.
#[derive(Debug, Clone)]
pub struct UserCard {
    pub user: User,
    pub providers: Vec<(ProviderId, String)>,
    /// A message to them failed and waits for a retry.
    pub mail_undelivered: bool,
}

/// One user's card.
pub async fn get(state: &AppState, viewer: &Viewer, id: UserId) -> Result<UserCard> {
    crate::service::authorize(state, viewer, Permission::ManageUsers).await?;
    let user = state
        .store
        .user_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(cards(state, vec![user]).await?.remove(0))
}

/// A page of user cards matching the filter, and how many match.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    filter: &UserFilter,
    page: PageNumber,
) -> Result<(Vec<UserCard>, i64)> {
    crate::service::authorize(state, viewer, Permission::ManageUsers).await?;
    let (users, total) = state.store.list_users(filter, page).await?;
    Ok((cards(state, users).await?, total))
}

async fn cards(state: &AppState, users: Vec<User>) -> Result<Vec<UserCard>> {
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let memberships = state.store.memberships_of(&ids).await?;
    let recipients: Vec<String> = users.iter().map(|u| u.email.to_string()).collect();
    let undelivered = state.store.undelivered_to(&recipients).await?;
    Ok(users
        .into_iter()
        .map(|user| UserCard {
            providers: memberships
                .iter()
                .filter(|m: &&Membership| m.user_id == user.id)
                .map(|m| (m.provider_id, m.provider_name.clone()))
                .collect(),
            mail_undelivered: undelivered.contains(&user.email.to_string()),
            user,
        })
        .collect())
}
