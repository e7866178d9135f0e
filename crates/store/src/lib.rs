//! Storage: the `Store` trait that the application sees, and one implementation per database.
//!
//! Every change that matters happens in a [`Tx`], and a transaction can only be committed together
//! with the audit event that describes it, so an unaudited change does not compile.

pub mod admin;
pub mod audit_chain;
mod decode;
pub mod listings;
mod migrations;
mod postgres;
mod records;
pub mod slots;
mod sqlite;

use async_trait::async_trait;
use domain::audit::NewAuditEvent;
use domain::listing::{Listing, Slot, Station};
use domain::report::{KioskSession, SessionReportRow};
use domain::{Category, CategoryId, EmailAddress, PageNumber, Provider, ProviderId, User, UserId};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

pub use audit_chain::{AuditKey, StoredAuditEvent};
pub use listings::{Listings, ListingsTx};
pub use records::*;

/// What can go wrong in storage, in terms the application can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A named constraint refused the change (unique email, immutable email, last admin…).
    #[error("conflict with constraint {constraint}")]
    Conflict { constraint: String },
    /// The database gave up on the transaction because of a concurrent one (PostgreSQL deadlock
    /// or serialization failure, SQLite busy or locked): running it again can succeed.
    #[error("transaction lost a race with a concurrent one: {0}")]
    Contention(sqlx::Error),
    #[error(transparent)]
    Other(sqlx::Error),
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    /// Names the constraint that refused a change, whichever database said it.
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if is_contention(db.code().as_deref()) {
                return StoreError::Contention(error);
            }
            if let Some(name) = db.constraint() {
                return StoreError::Conflict {
                    constraint: name.to_owned(),
                };
            }
            if let Some(name) = sqlite::constraint_name(db.message()) {
                return StoreError::Conflict { constraint: name };
            }
        }
        if let sqlx::Error::RowNotFound = error {
            return StoreError::NotFound;
        }
        StoreError::Other(error)
    }
}

/// Whether a database error code says that a concurrent transaction got in the way: PostgreSQL's
/// `deadlock_detected` and `serialization_failure`, SQLite's `SQLITE_BUSY` and `SQLITE_LOCKED`
/// (with any extended code).
fn is_contention(code: Option<&str>) -> bool {
    match code {
        Some("40P01" | "40001") => true,
        Some(code) => code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        None => false,
    }
}

/// Opens the database that `url` names (`sqlite:…` or `postgres://…`) and runs its migrations.
pub async fn connect(url: &str, audit_key: AuditKey) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(
            sqlite::SqliteStore::connect(url, audit_key).await?,
        ))
    } else if is_postgres_url(url) {
        Ok(Arc::new(
            postgres::PostgresStore::connect(url, audit_key).await?,
        ))
    } else {
        Err(StoreError::Corrupt(format!(
            "unsupported database URL scheme in {:?}",
            url.split(':').next().unwrap_or_default()
        )))
    }
}

/// Whether `url` names a PostgreSQL server (`postgres://` or `postgresql://`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Reads, and the bookkeeping writes that are not audited themselves (counters, queue state).
#[async_trait]
pub trait Store: Listings + slots::Slots + Send + Sync + 'static {
    /// Starts a write transaction; its changes land only with [`Tx::commit`].
    async fn begin(&self) -> StoreResult<Box<dyn Tx>>;

    /// Appends one audit event on its own (for events that change nothing else).
    async fn audit(&self, event: NewAuditEvent) -> StoreResult<()> {
        self.begin().await?.commit(event).await
    }

    async fn ping(&self) -> StoreResult<()>;

    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn count_admins(&self) -> StoreResult<i64>;
    /// The administrators, so that a User without providers knows whom to ask.
    async fn admins(&self) -> StoreResult<Vec<User>>;
    /// The providers the user is a member of.
    async fn provider_ids(&self, user_id: UserId) -> StoreResult<Vec<ProviderId>>;
    /// Providers the viewer may see (all for an admin, their own for a User), by name: up to
    /// `limit` whose name contains `q` in any case (all when `None`), and how many match in
    /// all. Pages pick providers from this instead of walking the whole directory.
    async fn find_providers(
        &self,
        viewer: &User,
        q: Option<&str>,
        limit: i64,
    ) -> StoreResult<(Vec<ProviderSummary>, i64)>;
    /// The providers with these ids, by name (for the boxes already ticked on a form).
    async fn providers_by_ids(&self, ids: &[ProviderId]) -> StoreResult<Vec<ProviderSummary>>;

    /// A page of users matching the filter, ordered by name, and how many match in all.
    async fn list_users(
        &self,
        filter: &UserFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)>;
    /// The provider memberships of these users.
    async fn memberships_of(&self, users: &[UserId]) -> StoreResult<Vec<Membership>>;
    /// Of these addresses, those with a message that failed and waits for a retry.
    async fn undelivered_to(&self, recipients: &[String]) -> StoreResult<Vec<String>>;
    /// A page of the providers the user may see, by name, and how many there are.
    async fn list_providers(
        &self,
        viewer: &User,
        page: PageNumber,
    ) -> StoreResult<(Vec<Provider>, i64)>;
    async fn provider(&self, id: ProviderId) -> StoreResult<Option<Provider>>;
    async fn is_member(&self, user_id: UserId, provider_id: ProviderId) -> StoreResult<bool>;
    /// A page of the provider's members, by name.
    async fn members(
        &self,
        provider_id: ProviderId,
        page: PageNumber,
    ) -> StoreResult<(Vec<User>, i64)>;
    /// Users who are not members of the provider, by name (for Add Member).
    async fn non_members(&self, provider_id: ProviderId, limit: i64) -> StoreResult<Vec<User>>;
    async fn list_categories(&self, page: PageNumber)
    -> StoreResult<(Vec<CategoryWithCount>, i64)>;
    async fn category(&self, id: CategoryId) -> StoreResult<Option<CategoryWithCount>>;
    /// A page of audit events, newest first, and how many match.
    async fn audit_page(
        &self,
        filter: &AuditFilter,
        page: PageNumber,
    ) -> StoreResult<(Vec<StoredAuditEvent>, i64)>;
    /// Every matching audit event, oldest first, for the CSV export.
    async fn audit_matching(&self, filter: &AuditFilter) -> StoreResult<Vec<StoredAuditEvent>>;

    /// Whether the database holds any account, provider or session (`demo` needs it empty).
    async fn has_data(&self) -> StoreResult<bool>;
    /// Streams the report's rows, oldest session first, through a small buffer: the caller's
    /// pace sets the reading pace, so memory stays flat for any number of rows.
    fn session_report(
        &self,
        filter: ReportFilter,
    ) -> tokio::sync::mpsc::Receiver<StoreResult<SessionReportRow>>;

    /// Records a hit on a sliding-window limiter when every rule still allows one, atomically.
    /// Returns `None` when the hit was allowed and recorded, or how long to wait otherwise.
    async fn rate_limit_hit(
        &self,
        bucket: &str,
        now: OffsetDateTime,
        rules: &[RateRule],
    ) -> StoreResult<Option<Duration>>;

    /// Counts one try against the user's live code (atomically, before any check) and returns
    /// what is needed to check it, or `None` when there is no live code (expired, used, killed).
    async fn count_code_attempt(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<CodeAttempt>>;
    /// The state of a magic-link token, for a clear message before anything is consumed.
    async fn link_state(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<LinkState>;
    async fn setup_token_valid(&self, token_hash: &[u8], now: OffsetDateTime) -> StoreResult<bool>;

    /// The live session with this id hash, if it is within its idle and absolute limits.
    async fn session(
        &self,
        id_hash: &[u8],
        now: OffsetDateTime,
        idle: Duration,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Slides the idle timeout forward.
    async fn touch_session(&self, id_hash: &[u8], now: OffsetDateTime) -> StoreResult<()>;

    /// Leases up to `limit` due messages to the worker `owner` until `lease_until`.
    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
        owner: &str,
    ) -> StoreResult<Vec<QueuedMail>>;
    /// Frees every lease that `owner` holds on unsent mail; returns how many. Only for an owner
    /// known to be gone (an earlier run of this instance), never for a live one.
    async fn release_mail_leases(&self, owner: &str) -> StoreResult<u64>;
    /// Marks a message delivered and erases its body.
    async fn mail_sent(&self, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<()>;
    async fn mail_failed(
        &self,
        id: uuid::Uuid,
        next_attempt_at: OffsetDateTime,
        error: &str,
    ) -> StoreResult<()>;
    /// Deletes expired sessions, secrets and old rate-limit hits.
    async fn sweep(&self, now: OffsetDateTime) -> StoreResult<()>;

    /// Audit events with `seq > after`, oldest first, at most `limit`.
    async fn audit_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<StoredAuditEvent>>;
    /// The chain head: the last sequence number and hash the store has appended.
    async fn audit_head(&self) -> StoreResult<(i64, Vec<u8>)>;
    fn audit_key(&self) -> &AuditKey;
}

/// One write transaction. Dropping it without `commit` rolls everything back.
#[async_trait]
pub trait Tx: ListingsTx + Send {
    async fn insert_user(&mut self, user: &User) -> StoreResult<()>;
    async fn mark_signed_in(&mut self, user_id: UserId, now: OffsetDateTime) -> StoreResult<()>;
    /// The user as this transaction sees it (locked against concurrent change where the
    /// database can).
    async fn user_for_update(&mut self, id: UserId) -> StoreResult<Option<User>>;
    /// Writes names, role, report permission, invitation expiry and `updated_at`; never the email.
    async fn update_user(&mut self, user: &User) -> StoreResult<()>;
    /// Removes the account; memberships, secrets and sessions go with it.
    async fn delete_user(&mut self, id: UserId) -> StoreResult<bool>;
    /// Replaces the user's memberships; returns (added, removed).
    async fn set_memberships(
        &mut self,
        user_id: UserId,
        providers: &[ProviderId],
        now: OffsetDateTime,
    ) -> StoreResult<(Vec<ProviderId>, Vec<ProviderId>)>;
    /// `false` when the user already was a member. When the user or the provider is gone, fails
    /// with the foreign key's name (`memberships_user_id_fkey`, `memberships_provider_id_fkey`)
    /// on both databases.
    async fn add_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn remove_membership(
        &mut self,
        user_id: UserId,
        provider_id: ProviderId,
    ) -> StoreResult<bool>;
    /// How many of these providers exist; those that do cannot be deleted by another
    /// transaction until this one ends (so that memberships can refer to them).
    async fn count_providers(&mut self, ids: &[ProviderId]) -> StoreResult<i64>;
    /// The provider as this transaction sees it, kept from deletion until the transaction ends.
    async fn provider_for_share(&mut self, id: ProviderId) -> StoreResult<Option<Provider>>;

    async fn insert_provider(&mut self, provider: &Provider) -> StoreResult<()>;
    async fn update_provider(&mut self, provider: &Provider) -> StoreResult<()>;
    /// Deletes the provider and returns it as it was when deleted (`None` when it was gone).
    async fn delete_provider(&mut self, id: ProviderId) -> StoreResult<Option<Provider>>;
    /// Makes this provider the only fallback provider, or clears the setting.
    async fn set_fallback(
        &mut self,
        id: Option<ProviderId>,
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    async fn insert_category(&mut self, category: &Category) -> StoreResult<()>;
    async fn insert_listing(&mut self, listing: &Listing) -> StoreResult<()>;
    async fn insert_slots(&mut self, slots: &[Slot]) -> StoreResult<()>;
    async fn insert_station(&mut self, station: &Station) -> StoreResult<()>;
    /// Records finished kiosk sessions with their categories and selections, in bulk.
    async fn insert_kiosk_sessions(&mut self, sessions: &[KioskSession]) -> StoreResult<()>;
    async fn update_category(&mut self, category: &Category) -> StoreResult<()>;
    /// Deletes the category and its links to listings; returns how many listings lost it.
    async fn delete_category(&mut self, id: CategoryId) -> StoreResult<Option<i64>>;

    /// Replaces whatever secret the user had: the newest one wins.
    async fn put_secret(&mut self, secret: &NewSecret) -> StoreResult<()>;
    /// Consumes the user's secret if its code hash still matches (single use, race-free).
    async fn take_secret_by_code(
        &mut self,
        user_id: UserId,
        code_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<SecretKind>>;
    /// Consumes the live secret whose link token hash matches.
    async fn take_secret_by_token(
        &mut self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<Option<(UserId, SecretKind)>>;
    async fn delete_secret(&mut self, user_id: UserId) -> StoreResult<()>;

    /// Replaces the one setup token (a new start of the server makes the old link useless).
    async fn put_setup_token(
        &mut self,
        token_hash: &[u8],
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Consumes the setup token; `false` when it was unknown, used or expired.
    async fn take_setup_token(
        &mut self,
        token_hash: &[u8],
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn count_admins(&mut self) -> StoreResult<i64>;

    async fn insert_session(&mut self, session: &SessionRecord) -> StoreResult<()>;
    async fn delete_session(&mut self, id_hash: &[u8]) -> StoreResult<()>;

    /// Queues a message; one that carries a user's secret first cancels the unsent messages
    /// that carry an older secret of theirs (a new secret kills the old one).
    async fn enqueue_mail(&mut self, mail: &NewMail) -> StoreResult<()>;

    /// Appends an audit event inside the transaction (for actions that record several).
    async fn record(&mut self, event: NewAuditEvent) -> StoreResult<()>;

    /// Appends the action's audit event and commits the whole transaction.
    async fn commit(self: Box<Self>, event: NewAuditEvent) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::is_contention;

    #[test]
    fn deadlocks_serialization_failures_and_busy_databases_are_contention() {
        for code in ["40P01", "40001", "5", "517", "6", "262"] {
            assert!(is_contention(Some(code)), "{code}");
        }
        // Unique and foreign-key violations (PostgreSQL and SQLite) are answers, not races.
        for code in ["23505", "23503", "2067", "787", "1"] {
            assert!(!is_contention(Some(code)), "{code}");
        }
        assert!(!is_contention(None));
    }
}
