//! Rows as both databases return them, decoded once by `#[derive(FromRow)]` over the codec
//! types, then checked into domain values.

use crate::audit_chain::StoredAuditEvent;
use crate::codec::{Id, Time};
use crate::{
    CategoryWithCount, CodeAttempt, Membership, ProviderSummary, QueuedMail, SessionRecord,
    StoreError, StoreResult, decode,
};
use domain::report::SessionReportRow;
use domain::{Category, CategoryId, KioskSessionId, Provider, ProviderId, User, UserId};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: Id<UserId>,
    email: String,
    first_name: String,
    last_name: String,
    role: String,
    can_download_reports: bool,
    invited_at: Time,
    invitation_expires_at: Time,
    activated_at: Option<Time>,
    last_sign_in_at: Option<Time>,
    created_at: Time,
    updated_at: Time,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<User> {
        Ok(User {
            id: r.id.0,
            email: decode::email(&r.email)?,
            first_name: r.first_name,
            last_name: r.last_name,
            role: decode::role(&r.role)?,
            can_download_reports: r.can_download_reports,
            invited_at: r.invited_at.0,
            invitation_expires_at: r.invitation_expires_at.0,
            activated_at: r.activated_at.map(|t| t.0),
            last_sign_in_at: r.last_sign_in_at.map(|t| t.0),
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

/// Checks every row of a list into domain values.
pub(crate) fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> StoreResult<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

/// Checks an optional row into a domain value.
pub(crate) fn one<R, T: TryFrom<R, Error = StoreError>>(row: Option<R>) -> StoreResult<Option<T>> {
    row.map(T::try_from).transpose()
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProviderRow {
    id: Id<ProviderId>,
    name: String,
    description: String,
    booking_email: String,
    contact_email: String,
    phone: String,
    address: String,
    is_fallback: bool,
    created_at: Time,
    updated_at: Time,
}

impl TryFrom<ProviderRow> for Provider {
    type Error = StoreError;
    fn try_from(r: ProviderRow) -> StoreResult<Provider> {
        Ok(Provider {
            id: r.id.0,
            name: r.name,
            description: r.description,
            booking_email: r.booking_email,
            contact_email: r.contact_email,
            phone: r.phone,
            address: r.address,
            is_fallback: r.is_fallback,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProviderSummaryRow {
    id: Id<ProviderId>,
    name: String,
    description: String,
}

impl TryFrom<ProviderSummaryRow> for ProviderSummary {
    type Error = StoreError;
    fn try_from(r: ProviderSummaryRow) -> StoreResult<ProviderSummary> {
        Ok(ProviderSummary {
            id: r.id.0,
            name: r.name,
            description: r.description,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    user_id: Id<UserId>,
    provider_id: Id<ProviderId>,
    name: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> StoreResult<Membership> {
        Ok(Membership {
            user_id: r.user_id.0,
            provider_id: r.provider_id.0,
            provider_name: r.name,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CategoryRow {
    id: Id<CategoryId>,
    name: String,
    colour: String,
    created_at: Time,
    updated_at: Time,
    listing_count: i64,
}

impl TryFrom<CategoryRow> for CategoryWithCount {
    type Error = StoreError;
    fn try_from(r: CategoryRow) -> StoreResult<CategoryWithCount> {
        Ok(CategoryWithCount {
            category: Category {
                id: r.id.0,
                name: r.name,
                colour: r.colour,
                created_at: r.created_at.0,
                updated_at: r.updated_at.0,
            },
            listing_count: r.listing_count,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CodeAttemptRow {
    kind: String,
    code_hash: Vec<u8>,
    browser_hash: Option<Vec<u8>>,
    attempts: i64,
}

impl TryFrom<CodeAttemptRow> for CodeAttempt {
    type Error = StoreError;
    fn try_from(r: CodeAttemptRow) -> StoreResult<CodeAttempt> {
        Ok(CodeAttempt {
            kind: decode::secret_kind(&r.kind)?,
            code_hash: r.code_hash,
            browser_hash: r.browser_hash,
            attempts: r.attempts,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    id_hash: Vec<u8>,
    user_id: Id<UserId>,
    created_at: Time,
    last_seen_at: Time,
    expires_at: Time,
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> StoreResult<SessionRecord> {
        Ok(SessionRecord {
            id_hash: r.id_hash,
            user_id: r.user_id.0,
            created_at: r.created_at.0,
            last_seen_at: r.last_seen_at.0,
            expires_at: r.expires_at.0,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct QueuedMailRow {
    id: Id<uuid::Uuid>,
    recipient: String,
    subject: String,
    body_sealed: Option<Vec<u8>>,
    attempts: i64,
    message_id: Option<String>,
}

impl TryFrom<QueuedMailRow> for QueuedMail {
    type Error = StoreError;
    fn try_from(r: QueuedMailRow) -> StoreResult<QueuedMail> {
        Ok(QueuedMail {
            id: r.id.0,
            recipient: r.recipient,
            subject: r.subject,
            body_sealed: r.body_sealed.unwrap_or_default(),
            attempts: r.attempts,
            message_id: r.message_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    seq: i64,
    at: Time,
    actor_id: Option<String>,
    actor_label: String,
    action: String,
    target_kind: Option<String>,
    target_id: Option<String>,
    target_label: Option<String>,
    outcome: String,
    ip: Option<String>,
    details: String,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl TryFrom<AuditRow> for StoredAuditEvent {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<StoredAuditEvent> {
        Ok(StoredAuditEvent {
            seq: r.seq,
            at: r.at.0,
            actor_id: r.actor_id,
            actor_label: r.actor_label,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            target_label: r.target_label,
            outcome: r.outcome,
            ip: r.ip,
            details: r.details,
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
    }
}

/// The columns of a report row that both report queries return alike; the lists of
/// categories and selections come folded differently (`group_concat` against arrays).
#[derive(sqlx::FromRow)]
pub(crate) struct ReportHead {
    id: Id<KioskSessionId>,
    started_at: Time,
    ended_at: Option<Time>,
    outcome: Option<String>,
    station: String,
    gender: Option<String>,
    age: Option<i64>,
    indigenous_status: Option<String>,
    fallback_selected: bool,
}

/// A report row's lists, unfolded by the backend.
pub(crate) struct ReportLists {
    pub categories: Vec<String>,
    /// (provider, listing)
    pub information: Vec<(String, String)>,
    /// (provider, listing, start)
    pub bookings: Vec<(String, String, Option<OffsetDateTime>)>,
}

impl ReportHead {
    pub(crate) fn with(self, lists: ReportLists) -> StoreResult<SessionReportRow> {
        Ok(SessionReportRow {
            session_id: self.id.0,
            started_at: self.started_at.0,
            ended_at: self.ended_at.map(|t| t.0),
            outcome: self.outcome,
            station: self.station,
            gender: decode::gender(self.gender)?,
            age: self.age,
            indigenous_status: decode::indigenous_status(self.indigenous_status)?,
            categories: lists.categories,
            information: lists.information,
            bookings: lists.bookings,
            fallback_selected: self.fallback_selected,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StationRow {
    id: Id<domain::StationId>,
    name: String,
    token_hash: Vec<u8>,
    revoked_at: Option<Time>,
    created_at: Time,
    last_used_at: Option<Time>,
}

impl TryFrom<StationRow> for domain::listing::Station {
    type Error = StoreError;
    fn try_from(r: StationRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id.0,
            name: r.name,
            token_hash: r.token_hash,
            revoked_at: r.revoked_at.map(|t| t.0),
            created_at: r.created_at.0,
            last_used_at: r.last_used_at.map(|t| t.0),
        })
    }
}

/// A row of the outcomes query (see `Reports::session_outcomes`).
#[derive(sqlx::FromRow)]
pub(crate) struct OutcomeRow {
    started_at: Time,
    outcome: Option<String>,
}

impl From<OutcomeRow> for crate::SessionOutcome {
    fn from(row: OutcomeRow) -> Self {
        crate::SessionOutcome {
            started_at: row.started_at.0,
            outcome: row.outcome,
        }
    }
}
