//! Plain records that cross the storage boundary.

use domain::{ProviderId, UserId};
use time::{Duration, OffsetDateTime};

/// What a sign-in secret was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// Requested from the sign-in form: the code is bound to the requesting browser.
    SignIn,
    /// Sent by an administrator (or the setup page): not bound to any browser.
    Invitation,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::SignIn => "sign_in",
            SecretKind::Invitation => "invitation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sign_in" => Some(SecretKind::SignIn),
            "invitation" => Some(SecretKind::Invitation),
            _ => None,
        }
    }
}

/// A code and a link for one user, stored only as keyed hashes.
#[derive(Debug, Clone)]
pub struct NewSecret {
    pub user_id: UserId,
    pub kind: SecretKind,
    pub code_hash: Vec<u8>,
    pub token_hash: Vec<u8>,
    /// The hash of the pending-sign-in cookie of the browser that asked, for `SignIn`.
    pub browser_hash: Option<Vec<u8>>,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// A try at a code, already counted.
#[derive(Debug, Clone)]
pub struct CodeAttempt {
    pub kind: SecretKind,
    pub code_hash: Vec<u8>,
    pub browser_hash: Option<Vec<u8>>,
    /// Tries so far, this one included.
    pub attempts: i64,
}

/// What a magic-link token leads to, before it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Live,
    Expired,
    /// Used, replaced by a newer one, or never issued: we cannot and need not tell which.
    Unknown,
}

/// A signed-in browser, known by the hash of its cookie.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id_hash: Vec<u8>,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The absolute end of the session.
    pub expires_at: OffsetDateTime,
}

/// One sliding-window limit: at most `max` hits in any `window`.
#[derive(Debug, Clone, Copy)]
pub struct RateRule {
    pub window: Duration,
    pub max: i64,
}

/// A message to queue; its body is sealed (encrypted) by the caller.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub id: uuid::Uuid,
    pub recipient: String,
    pub subject: String,
    pub body_sealed: Vec<u8>,
    pub created_at: OffsetDateTime,
    /// The `Message-ID` header, fixed now so that every delivery of the message carries it.
    pub message_id: String,
    /// The user whose sign-in secret (code and link) the message carries, if any.
    pub secret_of: Option<UserId>,
}

/// A message leased to a worker for delivery.
#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: uuid::Uuid,
    pub recipient: String,
    pub subject: String,
    pub body_sealed: Vec<u8>,
    pub attempts: i64,
    /// `None` for a message queued before Message-IDs were stored.
    pub message_id: Option<String>,
}

/// A provider as listed on the dashboard.
#[derive(Debug, Clone)]
pub struct ProviderSummary {
    pub id: ProviderId,
    pub name: String,
    pub description: String,
}

/// Which users a list shows.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the name or email, any case.
    pub q: Option<String>,
    pub role: Option<domain::Role>,
    pub provider_id: Option<ProviderId>,
    pub sort: UserSort,
    pub state: Option<AccountState>,
}

/// The order of a list of users; ties are broken by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UserSort {
    /// By last name, then first name.
    #[default]
    Name,
    /// Most recent sign-in first; those who never signed in last.
    LastSignIn,
    /// Those who need attention first: invitation expired, then pending, then active. The
    /// instant decides which invitations have expired.
    Status(OffsetDateTime),
}

/// Accounts by where they stand (issue 12: the start page's counts lead to these lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    Active,
    /// Never signed in, invitation still valid at the time given.
    InvitationPending(time::OffsetDateTime),
    /// Never signed in, invitation lapsed by the time given.
    InvitationExpired(time::OffsetDateTime),
    /// Users (not administrators) who are members of no provider.
    NoProvider,
}

/// A provider that a user is a member of, for user cards.
#[derive(Debug, Clone)]
pub struct Membership {
    pub user_id: UserId,
    pub provider_id: ProviderId,
    pub provider_name: String,
}

/// A category with the number of listings that use it.
#[derive(Debug, Clone)]
pub struct CategoryWithCount {
    pub category: domain::Category,
    pub listing_count: i64,
}

/// Which audit events a list or export shows.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Part of the actor's label (email, `system`, `cli`), any case.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<OffsetDateTime>,
    /// Exclusive.
    pub until: Option<OffsetDateTime>,
}

/// Which sessions a report holds.
#[derive(Debug, Clone)]
pub struct ReportFilter {
    /// Sessions started at or after this…
    pub from: OffsetDateTime,
    /// …and before this.
    pub until: OffsetDateTime,
    /// Only sessions with a selection of this user's providers, and only those selections.
    pub member_of: Option<UserId>,
}

/// When a session of a report started and how it ended: what the Reports page counts, read
/// with the same filter as the report's rows but without their lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOutcome {
    pub started_at: OffsetDateTime,
    /// `completed`, `cancelled`, `abandoned`, or `None` while a session is open.
    pub outcome: Option<String>,
}
