//! The JSON shapes of SPEC §12.

use crate::AppState;
use crate::error::Result;
use crate::service::users::UserCard;
use domain::audit::Action;
use domain::{Provider, Role, User, UserStatus};
use serde::Serialize;
use store::{CategoryWithCount, StoredAuditEvent};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// A string that is one of `values`, spelt as the API sends them (their serde form).
fn one_of<T: Serialize>(values: impl IntoIterator<Item = T>, description: &str) -> Object {
    let values = values
        .into_iter()
        .filter_map(|v| serde_json::to_value(v).ok());
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .build()
}

/// The roles.
pub fn role_schema() -> Object {
    one_of([Role::Admin, Role::User], "What the account may do.")
}

/// Where an account stands.
pub fn status_schema() -> Object {
    one_of(
        [UserStatus::Invited, UserStatus::Expired, UserStatus::Active],
        "`invited` until the first sign-in, `expired` when the invitation ran out first.",
    )
}

/// Every audit action.
pub fn action_schema() -> Object {
    one_of(Action::ALL.map(Action::as_str), "What happened.")
}

/// A page of a list: pages of 50, `page` from 1.
#[derive(Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
}

/// A dashboard account.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[schema(schema_with = role_schema)]
    pub role: domain::Role,
    pub can_download_reports: bool,
    pub provider_ids: Vec<String>,
    #[schema(schema_with = status_schema)]
    pub status: domain::UserStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_sign_in_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub invitation_expires_at: time::OffsetDateTime,
}

impl UserView {
    pub fn new(user: &User, provider_ids: Vec<String>, now: time::OffsetDateTime) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.to_string(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            role: user.role,
            can_download_reports: user.can_download_reports,
            provider_ids,
            status: user.status(now),
            last_sign_in_at: user.last_sign_in_at,
            invitation_expires_at: user.invitation_expires_at,
        }
    }

    pub fn from_card(card: &UserCard, now: time::OffsetDateTime) -> Self {
        let ids = card
            .providers
            .iter()
            .map(|(id, _)| id.to_string())
            .collect();
        Self::new(&card.user, ids, now)
    }

    /// The account with the providers it is a member of, read through the service.
    pub async fn load(state: &AppState, user: &User) -> Result<Self> {
        let ids = crate::service::accounts::provider_ids(state, user.id).await?;
        Ok(Self::new(
            user,
            ids.iter().map(ToString::to_string).collect(),
            state.now(),
        ))
    }
}

/// A service provider.
#[derive(Serialize, ToSchema)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub booking_email: String,
    pub contact_email: String,
    pub phone: String,
    pub address: String,
    pub is_fallback: bool,
}

impl From<&Provider> for ProviderView {
    fn from(p: &Provider) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            description: p.description.clone(),
            booking_email: p.booking_email.clone(),
            contact_email: p.contact_email.clone(),
            phone: p.phone.clone(),
            address: p.address.clone(),
            is_fallback: p.is_fallback,
        }
    }
}

/// A category of listings.
#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub listing_count: i64,
}

impl From<&CategoryWithCount> for CategoryView {
    fn from(c: &CategoryWithCount) -> Self {
        Self {
            id: c.category.id.to_string(),
            name: c.category.name.clone(),
            colour: c.category.colour.clone(),
            listing_count: c.listing_count,
        }
    }
}

/// One event of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    pub actor: String,
    pub actor_id: Option<String>,
    #[schema(schema_with = action_schema)]
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<&StoredAuditEvent> for AuditEventView {
    fn from(e: &StoredAuditEvent) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            actor: e.actor_label.clone(),
            actor_id: e.actor_id.clone(),
            action: e.action.clone(),
            target_kind: e.target_kind.clone(),
            target_id: e.target_id.clone(),
            target_label: e.target_label.clone(),
            outcome: e.outcome.clone(),
            ip: e.ip.clone(),
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        }
    }
}
