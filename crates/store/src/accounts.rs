//! Accounts and what signs them in: users, sign-in secrets, the setup token, login sessions
//! (not kiosk sessions) and rate limits. The traits, and the statements both databases share.

use crate::{CodeAttempt, LinkState, NewSecret, RateRule, SecretKind, SessionRecord, StoreResult};
use async_trait::async_trait;
use domain::{EmailAddress, User, UserId};
use time::{Duration, OffsetDateTime};

/// Reads of accounts, and the bookkeeping writes that are not audited (tries, hits, touches).
#[async_trait]
pub trait Accounts {
    async fn user_by_email(&self, email: &EmailAddress) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn count_admins(&self) -> StoreResult<i64>;
    /// The administrators, so that a User without providers knows whom to ask.
    async fn admins(&self) -> StoreResult<Vec<User>>;

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

    /// The live login session with this id hash, if within its idle and absolute limits.
    async fn session(
        &self,
        id_hash: &[u8],
        now: OffsetDateTime,
        idle: Duration,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Slides the idle timeout forward.
    async fn touch_session(&self, id_hash: &[u8], now: OffsetDateTime) -> StoreResult<()>;
}

/// Changes to accounts, inside a transaction.
#[async_trait]
pub trait AccountsTx {
    async fn insert_user(&mut self, user: &User) -> StoreResult<()>;
    async fn mark_signed_in(&mut self, user_id: UserId, now: OffsetDateTime) -> StoreResult<()>;
    /// The user as this transaction sees it (locked against concurrent change where the
    /// database can).
    async fn user_for_update(&mut self, id: UserId) -> StoreResult<Option<User>>;
    /// Writes names, role, report permission, invitation expiry and `updated_at`; never the email.
    async fn update_user(&mut self, user: &User) -> StoreResult<()>;
    /// Removes the account; memberships, secrets and sessions go with it.
    async fn delete_user(&mut self, id: UserId) -> StoreResult<bool>;
    /// How many administrators there are; two transactions that both count cannot both go on
    /// to remove one.
    async fn count_admins(&mut self) -> StoreResult<i64>;

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

    async fn insert_session(&mut self, session: &SessionRecord) -> StoreResult<()>;
    async fn delete_session(&mut self, id_hash: &[u8]) -> StoreResult<()>;
}

mod reads;
mod writes;

pub(crate) use reads::stamp_account_reads;
pub(crate) use writes::stamp_account_writes;
