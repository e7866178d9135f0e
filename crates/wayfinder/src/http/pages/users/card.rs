//! What one user card shows: status as a tag with a short date, the providers (or "All
//! providers" for an Admin, or a warning for a User with none), and the actions.

use crate::AppState;
use crate::service::users::{self, UserCard};
use crate::service::zone;
use domain::{Role, UserStatus, Viewer};

/// A tag's words and its colour (a class of `app.css`).
pub(super) struct Tag {
    pub label: &'static str,
    pub tone: &'static str,
}

/// What one card shows.
pub(super) struct CardView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub status: Tag,
    /// The date beside the status ("Last signed in 2 Mar 2026", "Expires 9 Mar 2026"), and
    /// the same with the time and zone, for its tooltip.
    pub status_date: Option<(String, String)>,
    /// `None` for an Admin, who sees all providers.
    pub providers: Option<Vec<String>>,
    pub can_resend: bool,
    pub reports: Option<&'static str>,
    pub undelivered: bool,
    /// Nobody deletes their own account: the card offers no Delete for it.
    pub can_delete: bool,
}

impl CardView {
    pub(super) fn new(state: &AppState, card: &UserCard, viewer: &Viewer) -> Self {
        let user = &card.user;
        let date = |t| zone::short_date(t, &state.config.timezone);
        let both = |words: &str, t| {
            let full = crate::local_time::when(&state.config.timezone, t);
            (format!("{words} {}", date(t)), format!("{words} {full}"))
        };
        let (status, status_date) = match user.status(state.now()) {
            UserStatus::Invited => (
                Tag {
                    label: "Invitation pending",
                    tone: "tag-blue",
                },
                Some(both("Expires", user.invitation_expires_at)),
            ),
            UserStatus::Expired => (
                Tag {
                    label: "Invitation expired",
                    tone: "tag-red",
                },
                Some(both("Expired", user.invitation_expires_at)),
            ),
            UserStatus::Active => (
                Tag {
                    label: "Active",
                    tone: "tag-green",
                },
                Some(match user.last_sign_in_at {
                    Some(at) => both("Last sign-in", at),
                    None => (
                        "Not signed in yet".to_owned(),
                        "Not signed in yet".to_owned(),
                    ),
                }),
            ),
        };
        let is_user = user.role == Role::User;
        Self {
            id: user.id.to_string(),
            name: user.full_name(),
            email: user.email.to_string(),
            role: user.role.label(),
            status,
            status_date,
            providers: is_user.then(|| card.providers.iter().map(|(_, n)| n.clone()).collect()),
            can_resend: users::may_resend(user),
            reports: is_user.then_some(if user.can_download_reports {
                "Allowed access to reports"
            } else {
                "No access to reports"
            }),
            undelivered: card.mail_undelivered,
            can_delete: users::may_delete(viewer, user),
        }
    }
}
