//! The constraints the store reports by name, so that renaming one is a compile error in every
//! place that reacts to it.

/// A constraint that refused a change. Each one is named on purpose in both migrations (or, for
/// the membership foreign keys, named by PostgreSQL's default and by the store on SQLite).
macro_rules! constraints {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Constraint {
            $($(#[$doc])* $variant,)+
        }

        impl Constraint {
            /// Every constraint, for tests that compare the list with the migrations.
            pub const ALL: &'static [Constraint] = &[$(Constraint::$variant,)+];

            /// The name the databases give it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Constraint::$variant => $name,)+
                }
            }

            /// The constraint with this name, if the store knows it.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Constraint::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

constraints! {
    /// One account per email address, in any case.
    UsersEmailKey = "users_email_key",
    /// An account's email address never changes (a trigger).
    UsersEmailImmutable = "users_email_immutable",
    UsersEmailCanonical = "users_email_canonical",
    UsersFirstNameLength = "users_first_name_length",
    UsersLastNameLength = "users_last_name_length",
    UsersRoleKnown = "users_role_known",
    UsersCanDownloadReportsBool = "users_can_download_reports_bool",
    /// A user is a member of a provider once.
    MembershipsPkey = "memberships_pkey",
    /// The user of a new membership is gone.
    MembershipsUserIdFkey = "memberships_user_id_fkey",
    /// The provider of a new membership is gone.
    MembershipsProviderIdFkey = "memberships_provider_id_fkey",
    /// At most one fallback provider.
    ProvidersOneFallback = "providers_one_fallback",
    ProvidersIsFallbackBool = "providers_is_fallback_bool",
    SignInSecretsTokenKey = "sign_in_secrets_token_key",
    SignInSecretsKindKnown = "sign_in_secrets_kind_known",
    /// Audit events are never edited or deleted (a trigger).
    AuditEventsAppendOnly = "audit_events_append_only",
    CategoriesNameKey = "categories_name_key",
    CategoriesNameLength = "categories_name_length",
    CategoriesColourFormat = "categories_colour_format",
    ListingCategoriesPkey = "listing_categories_pkey",
    ListingsAgesOrdered = "listings_ages_ordered",
    ListingsGenderKnown = "listings_gender_known",
    ListingsIndigenousKnown = "listings_indigenous_known",
    ListingsKindKnown = "listings_kind_known",
    SlotsDurationRange = "slots_duration_range",
    /// One slot per listing and start time.
    SlotsListingStartKey = "slots_listing_start_key",
    /// A hold names both its session and its end.
    SlotsHoldComplete = "slots_hold_complete",
    /// A booked slot is held for nobody.
    SlotsHeldOrBooked = "slots_held_or_booked",
    /// A booking is never handed from one session to another (a trigger).
    SlotsBookingNotReplaced = "slots_booking_not_replaced",
    StationsNameLength = "stations_name_length",
    StationsTokenKey = "stations_token_key",
    KioskSessionsAgeRange = "kiosk_sessions_age_range",
    KioskSessionsOutcomeKnown = "kiosk_sessions_outcome_known",
    KioskSessionCategoriesPkey = "kiosk_session_categories_pkey",
    KioskSelectionsPkey = "kiosk_selections_pkey",
    KioskSelectionsKindKnown = "kiosk_selections_kind_known",
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Constraint;

    /// Every name after `CONSTRAINT`, `UNIQUE INDEX` or a trigger's raise in a migration.
    fn named_in(sql: &str) -> Vec<String> {
        let code: Vec<&str> = sql
            .lines()
            .map(|l| l.split("--").next().unwrap_or(""))
            .collect();
        let sql = &code.join("\n");
        let words: Vec<String> = sql
            .split_whitespace()
            .map(str::to_ascii_uppercase)
            .collect();
        let raw: Vec<&str> = sql.split_whitespace().collect();
        let mut names = Vec::new();
        for i in 1..raw.len() {
            let named = words[i - 1] == "CONSTRAINT"
                || words[i - 1] == "EXCEPTION"
                || (words[i - 1] == "INDEX" && i >= 2 && words[i - 2] == "UNIQUE");
            let name: String = raw[i]
                .chars()
                .filter(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if named && !name.is_empty() {
                names.push(name);
            }
        }
        for part in sql.split("RAISE(ABORT, '").skip(1) {
            names.extend(part.split('\'').next().map(str::to_owned));
        }
        names
    }

    #[test]
    fn every_constraint_named_in_the_migrations_is_a_store_constraint() {
        let migrations = [
            include_str!("sqlite/migrations/0001_accounts.sql"),
            include_str!("sqlite/migrations/0002_directory.sql"),
            include_str!("sqlite/migrations/0003_sessions.sql"),
            include_str!("sqlite/migrations/0004_mail_delivery.sql"),
            include_str!("sqlite/migrations/0005_slots.sql"),
            include_str!("postgres/migrations/0001_accounts.sql"),
            include_str!("postgres/migrations/0002_directory.sql"),
            include_str!("postgres/migrations/0003_sessions.sql"),
            include_str!("postgres/migrations/0004_mail_delivery.sql"),
            include_str!("postgres/migrations/0005_slots.sql"),
        ];
        let mut seen = 0;
        for sql in migrations {
            for name in named_in(sql) {
                seen += 1;
                assert!(
                    Constraint::from_name(&name).is_some(),
                    "{name} is not a store::Constraint"
                );
            }
        }
        assert!(seen > 20, "the scan found only {seen} names");
    }

    #[test]
    fn names_parse_back_to_their_constraint() {
        for c in Constraint::ALL {
            assert_eq!(Constraint::from_name(c.name()), Some(*c));
        }
    }
}
