//! Audit events: who did what to what, and how it ended.

use crate::{EmailAddress, UserId};
use time::OffsetDateTime;

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: UserId,
        email: EmailAddress,
    },
    /// The server itself (background work, first start).
    System,
    /// Someone at the server's command line.
    Cli,
    /// Someone not signed in (a sign-in attempt, the setup page).
    Anonymous,
    /// A kiosk station (SPEC §8), a principal without an account. Its id is a plain UUID until
    /// the station has a typed id of its own.
    Station {
        id: uuid::Uuid,
        name: String,
    },
}

impl Actor {
    /// The account that acted, if one did (a station is no account).
    pub fn id(&self) -> Option<UserId> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The text the audit log keeps for the actor, which survives the account's deletion.
    pub fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.to_string(),
            Actor::System => "system".into(),
            Actor::Cli => "cli".into(),
            Actor::Anonymous => "anonymous".into(),
            Actor::Station { name, .. } => format!("station: {name}"),
        }
    }
}

/// Every kind of event, typed so a misspelt action cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SetupLinkIssued,
    SetupCompleted,
    UserCreated,
    InvitationSent,
    SignInRequested,
    SignInSucceeded,
    SignInFailed,
    SignInCodeKilled,
    RateLimited,
    SignedOut,
    UserUpdated,
    UserDeleted,
    MembershipAdded,
    MembershipRemoved,
    ProviderCreated,
    ProviderUpdated,
    ProviderDeleted,
    FallbackProviderSet,
    CategoryCreated,
    CategoryUpdated,
    CategoryDeleted,
    StationCreated,
    StationLinkReplaced,
    StationRevoked,
    ListingCreated,
    ListingUpdated,
    ListingDeleted,
    AccessDenied,
    AuditExported,
    ReportDownloaded,
    DemoLoaded,
    KioskSessionStarted,
    KioskConsentGiven,
    KioskDemographicsRecorded,
    KioskCategoriesChosen,
    KioskSelectionAdded,
    KioskSelectionRemoved,
    KioskSessionTerminated,
    KioskSessionAbandoned,
    KioskSessionSubmitted,
    KioskBookingMade,
    KioskClientNameErased,
    SlotsCreated,
    SlotRemoved,
    SlotBookingCancelled,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SetupLinkIssued => "setup.link_issued",
            Action::SetupCompleted => "setup.completed",
            Action::UserCreated => "user.created",
            Action::InvitationSent => "invitation.sent",
            Action::SignInRequested => "sign_in.requested",
            Action::SignInSucceeded => "sign_in.succeeded",
            Action::SignInFailed => "sign_in.failed",
            Action::SignInCodeKilled => "sign_in.code_killed",
            Action::RateLimited => "sign_in.rate_limited",
            Action::SignedOut => "sign_out",
            Action::UserUpdated => "user.updated",
            Action::UserDeleted => "user.deleted",
            Action::MembershipAdded => "membership.added",
            Action::MembershipRemoved => "membership.removed",
            Action::ProviderCreated => "provider.created",
            Action::ProviderUpdated => "provider.updated",
            Action::ProviderDeleted => "provider.deleted",
            Action::FallbackProviderSet => "settings.fallback_provider",
            Action::CategoryCreated => "category.created",
            Action::CategoryUpdated => "category.updated",
            Action::CategoryDeleted => "category.deleted",
            Action::StationCreated => "station.created",
            Action::StationLinkReplaced => "station.link_replaced",
            Action::StationRevoked => "station.revoked",
            Action::ListingCreated => "listing.created",
            Action::ListingUpdated => "listing.updated",
            Action::ListingDeleted => "listing.deleted",
            Action::AccessDenied => "access.denied",
            Action::AuditExported => "audit.exported",
            Action::ReportDownloaded => "report.downloaded",
            Action::DemoLoaded => "demo.loaded",
            Action::KioskSessionStarted => "kiosk.session_started",
            Action::KioskConsentGiven => "kiosk.consent_given",
            Action::KioskDemographicsRecorded => "kiosk.demographics_recorded",
            Action::KioskCategoriesChosen => "kiosk.categories_chosen",
            Action::KioskSelectionAdded => "kiosk.selection_added",
            Action::KioskSelectionRemoved => "kiosk.selection_removed",
            Action::KioskSessionTerminated => "kiosk.session_terminated",
            Action::KioskSessionAbandoned => "kiosk.session_abandoned",
            Action::KioskSessionSubmitted => "kiosk.session_submitted",
            Action::KioskBookingMade => "kiosk.booking_made",
            Action::KioskClientNameErased => "kiosk.client_name_erased",
            Action::SlotsCreated => "slots.created",
            Action::SlotRemoved => "slot.removed",
            Action::SlotBookingCancelled => "slot.booking_cancelled",
        }
    }

    /// Every action, for the audit page's filter.
    pub const ALL: [Action; 45] = [
        Action::SetupLinkIssued,
        Action::SetupCompleted,
        Action::UserCreated,
        Action::InvitationSent,
        Action::SignInRequested,
        Action::SignInSucceeded,
        Action::SignInFailed,
        Action::SignInCodeKilled,
        Action::RateLimited,
        Action::SignedOut,
        Action::UserUpdated,
        Action::UserDeleted,
        Action::MembershipAdded,
        Action::MembershipRemoved,
        Action::ProviderCreated,
        Action::ProviderUpdated,
        Action::ProviderDeleted,
        Action::FallbackProviderSet,
        Action::CategoryCreated,
        Action::CategoryUpdated,
        Action::CategoryDeleted,
        Action::StationCreated,
        Action::StationLinkReplaced,
        Action::StationRevoked,
        Action::ListingCreated,
        Action::ListingUpdated,
        Action::ListingDeleted,
        Action::AccessDenied,
        Action::AuditExported,
        Action::ReportDownloaded,
        Action::DemoLoaded,
        Action::KioskSessionStarted,
        Action::KioskConsentGiven,
        Action::KioskDemographicsRecorded,
        Action::KioskCategoriesChosen,
        Action::KioskSelectionAdded,
        Action::KioskSelectionRemoved,
        Action::KioskSessionTerminated,
        Action::KioskSessionAbandoned,
        Action::KioskSessionSubmitted,
        Action::KioskBookingMade,
        Action::KioskClientNameErased,
        Action::SlotsCreated,
        Action::SlotRemoved,
        Action::SlotBookingCancelled,
    ];
}

/// An event about to be appended to the chain.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub at: OffsetDateTime,
    pub actor: Actor,
    pub action: Action,
    pub target_kind: Option<&'static str>,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub outcome: &'static str,
    pub ip: Option<String>,
    /// Never a secret.
    pub details: serde_json::Value,
}

impl NewAuditEvent {
    pub fn new(at: OffsetDateTime, actor: Actor, action: Action) -> Self {
        Self {
            at,
            actor,
            action,
            target_kind: None,
            target_id: None,
            target_label: None,
            outcome: "ok",
            ip: None,
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn target(
        mut self,
        kind: &'static str,
        id: impl ToString,
        label: impl Into<String>,
    ) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id.to_string());
        self.target_label = Some(label.into());
        self
    }

    pub fn outcome(mut self, outcome: &'static str) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Actor;

    #[test]
    fn a_station_is_recorded_by_its_name_and_is_no_account() {
        let station = Actor::Station {
            id: uuid::Uuid::new_v4(),
            name: "Unit 4 library".into(),
        };
        assert_eq!(station.label(), "station: Unit 4 library");
        assert_eq!(station.id(), None);
    }
}
