//! Dashboard accounts, their roles and the state of their invitation.

use crate::{EmailAddress, UserId};
use time::OffsetDateTime;

/// What an account may do; see SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }

    /// The label people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::User => "User",
        }
    }
}

/// A dashboard account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub can_download_reports: bool,
    pub invited_at: OffsetDateTime,
    pub invitation_expires_at: OffsetDateTime,
    pub activated_at: Option<OffsetDateTime>,
    pub last_sign_in_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Where an account stands: invited and waiting, invitation expired, or signed in at least once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Invited,
    Expired,
    Active,
}

impl User {
    pub fn status(&self, now: OffsetDateTime) -> UserStatus {
        match self.activated_at {
            Some(_) => UserStatus::Active,
            None if now < self.invitation_expires_at => UserStatus::Invited,
            None => UserStatus::Expired,
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}
