//! SPEC §2 as data: what each role may do, and over which providers (its scope).
//!
//! Everything is denied unless [`TABLE`] grants it. A grant says how far it reaches: over every
//! provider, or only over the providers the account is a member of. Handlers ask for a
//! permission in their signature; services check the object against the scope it comes with.

use crate::{ProviderId, Role, User, UserId};

/// Something a principal may be allowed to do (one row of SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See providers (and a provider's profile).
    SeeProviders,
    /// Create, edit and delete providers; set the fallback provider.
    ManageProviders,
    /// See a provider's members.
    SeeMembers,
    /// Add and remove members.
    ManageMembers,
    /// The listings and slots of a provider.
    ManageListings,
    /// See, create, edit and delete categories.
    ManageCategories,
    /// See, create, edit and delete accounts; resend invitations.
    ManageUsers,
    /// Download session data.
    DownloadReports,
    /// View and export the audit log.
    ViewAudit,
    /// Issue and revoke kiosk links.
    ManageStations,
}

impl Permission {
    /// Every permission, for tests and for the route table.
    pub const ALL: [Permission; 10] = [
        Permission::SeeProviders,
        Permission::ManageProviders,
        Permission::SeeMembers,
        Permission::ManageMembers,
        Permission::ManageListings,
        Permission::ManageCategories,
        Permission::ManageUsers,
        Permission::DownloadReports,
        Permission::ViewAudit,
        Permission::ManageStations,
    ];

    /// A stable name (`manage_users`), for the route table and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::SeeProviders => "see_providers",
            Permission::ManageProviders => "manage_providers",
            Permission::SeeMembers => "see_members",
            Permission::ManageMembers => "manage_members",
            Permission::ManageListings => "manage_listings",
            Permission::ManageCategories => "manage_categories",
            Permission::ManageUsers => "manage_users",
            Permission::DownloadReports => "download_reports",
            Permission::ViewAudit => "view_audit",
            Permission::ManageStations => "manage_stations",
        }
    }
}

/// How far a role's grant of a permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Not at all.
    Denied,
    /// Over every provider.
    All,
    /// Over the providers the account is a member of.
    Assigned,
    /// Over the assigned providers, and only when the account has report access.
    AssignedWithReportAccess,
}

/// SPEC §2: permission, what an Admin gets, what a User (provider member) gets.
pub const TABLE: [(Permission, Grant, Grant); 10] = [
    (Permission::SeeProviders, Grant::All, Grant::Assigned),
    (Permission::ManageProviders, Grant::All, Grant::Denied),
    (Permission::SeeMembers, Grant::All, Grant::Assigned),
    (Permission::ManageMembers, Grant::All, Grant::Denied),
    (Permission::ManageListings, Grant::All, Grant::Assigned),
    (Permission::ManageCategories, Grant::All, Grant::Denied),
    (Permission::ManageUsers, Grant::All, Grant::Denied),
    (
        Permission::DownloadReports,
        Grant::All,
        Grant::AssignedWithReportAccess,
    ),
    (Permission::ViewAudit, Grant::All, Grant::Denied),
    (Permission::ManageStations, Grant::All, Grant::Denied),
];

/// What a role gets of a permission, read from [`TABLE`].
pub fn grant(role: Role, permission: Permission) -> Grant {
    TABLE
        .iter()
        .find(|(p, _, _)| *p == permission)
        .map_or(Grant::Denied, |(_, admin, user)| match role {
            Role::Admin => *admin,
            Role::User => *user,
        })
}

/// The providers a granted permission reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every provider.
    All,
    /// The providers this account is a member of.
    MemberOf(UserId),
}

impl Scope {
    /// The account whose memberships bound the scope; `None` for every provider.
    pub fn member_of(self) -> Option<UserId> {
        match self {
            Scope::All => None,
            Scope::MemberOf(id) => Some(id),
        }
    }

    pub fn is_all(self) -> bool {
        self == Scope::All
    }

    /// Whether a provider is in scope, given the providers the account is a member of.
    pub fn reaches(self, provider: ProviderId, memberships: &[ProviderId]) -> bool {
        self.is_all() || memberships.contains(&provider)
    }
}

/// Who asks, as access control sees it: a signed-in account, decided by its role and flags as
/// read at the start of this request, or the operator at the server's command line (and the
/// server's own work), who may do everything. A kiosk station is a principal too, with none of
/// the dashboard's permissions; it gets its own grants with the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Account(User),
    /// Trusted by having the server's shell or being the server: `cli` or `system`.
    Operator(crate::audit::Actor),
}

impl Viewer {
    /// The operator at the command line.
    pub fn cli() -> Self {
        Viewer::Operator(crate::audit::Actor::Cli)
    }

    /// The account that asks, if an account does.
    pub fn user(&self) -> Option<&User> {
        match self {
            Viewer::Account(user) => Some(user),
            Viewer::Operator(_) => None,
        }
    }

    pub fn account_id(&self) -> Option<UserId> {
        self.user().map(|u| u.id)
    }

    /// The scope of `permission` for this principal, or `None` when it is denied.
    pub fn scope(&self, permission: Permission) -> Option<Scope> {
        let Viewer::Account(user) = self else {
            return Some(Scope::All);
        };
        match grant(user.role, permission) {
            Grant::Denied => None,
            Grant::All => Some(Scope::All),
            Grant::Assigned => Some(Scope::MemberOf(user.id)),
            Grant::AssignedWithReportAccess if user.can_download_reports => {
                Some(Scope::MemberOf(user.id))
            }
            Grant::AssignedWithReportAccess => None,
        }
    }

    /// Whether `permission` is granted at all (over some providers).
    pub fn may(&self, permission: Permission) -> bool {
        self.scope(permission).is_some()
    }

    /// Whether `permission` is granted over every provider.
    pub fn may_everywhere(&self, permission: Permission) -> bool {
        self.scope(permission) == Some(Scope::All)
    }

    /// Who the audit log says acted.
    pub fn actor(&self) -> crate::audit::Actor {
        match self {
            Viewer::Account(user) => crate::audit::Actor::User {
                id: user.id,
                email: user.email.clone(),
            },
            Viewer::Operator(actor) => actor.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Permission::*;
    use super::*;
    use crate::EmailAddress;

    fn account(role: Role, can_download_reports: bool) -> Viewer {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        Viewer::Account(User {
            id: UserId::new(),
            email: EmailAddress::parse("someone@example.org").expect("email"),
            first_name: "Some".into(),
            last_name: "One".into(),
            role,
            can_download_reports,
            invited_at: now,
            invitation_expires_at: now,
            activated_at: None,
            last_sign_in_at: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// How a scope reads in SPEC §2: "all", "assigned" or "—".
    fn reads(viewer: &Viewer, permission: Permission) -> &'static str {
        match viewer.scope(permission) {
            Some(Scope::All) => "all",
            Some(Scope::MemberOf(id)) if Some(id) == viewer.account_id() => "assigned",
            Some(Scope::MemberOf(_)) => "someone else's",
            None => "—",
        }
    }

    #[test]
    fn the_table_reads_like_spec_section_2() {
        let admin = account(Role::Admin, false);
        let member = account(Role::User, false);
        let spec = [
            // permission        Admin   User (provider member)
            (SeeProviders, "all", "assigned"),
            (ManageProviders, "all", "—"),
            (SeeMembers, "all", "assigned"),
            (ManageMembers, "all", "—"),
            (ManageListings, "all", "assigned"),
            (ManageCategories, "all", "—"),
            (ManageUsers, "all", "—"),
            (DownloadReports, "all", "—"),
            (ViewAudit, "all", "—"),
            (ManageStations, "all", "—"),
        ];
        for (permission, for_admin, for_member) in spec {
            assert_eq!(
                reads(&admin, permission),
                for_admin,
                "admin, {permission:?}"
            );
            assert_eq!(
                reads(&member, permission),
                for_member,
                "user, {permission:?}"
            );
        }
    }

    #[test]
    fn report_access_opens_reports_to_a_member_for_their_providers_only() {
        let member = account(Role::User, true);
        assert_eq!(reads(&member, DownloadReports), "assigned");
        // The flag opens nothing else.
        assert_eq!(reads(&member, ManageUsers), "—");
        assert_eq!(reads(&member, ViewAudit), "—");
    }

    #[test]
    fn report_access_changes_nothing_for_an_administrator() {
        assert_eq!(reads(&account(Role::Admin, false), DownloadReports), "all");
        assert_eq!(reads(&account(Role::Admin, true), DownloadReports), "all");
    }

    #[test]
    fn the_operator_at_the_command_line_may_do_everything_everywhere() {
        for permission in Permission::ALL {
            assert!(Viewer::cli().may_everywhere(permission), "{permission:?}");
        }
    }

    #[test]
    fn every_permission_has_exactly_one_row() {
        for permission in Permission::ALL {
            let rows = TABLE.iter().filter(|(p, _, _)| *p == permission).count();
            assert_eq!(rows, 1, "{permission:?}");
        }
    }

    #[test]
    fn an_assigned_scope_reaches_only_the_providers_of_the_account() {
        let (mine, other) = (ProviderId::new(), ProviderId::new());
        let scope = Scope::MemberOf(UserId::new());
        assert!(scope.reaches(mine, &[mine]));
        assert!(!scope.reaches(other, &[mine]));
        assert!(Scope::All.reaches(other, &[]));
    }
}
