//! Typed identifiers, so that a user id can never be passed where a provider id is expected.

use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a dashboard account.
    UserId
);
id_type!(
    /// Identifies a service provider.
    ProviderId
);
id_type!(
    /// Identifies a category of listings.
    CategoryId
);
id_type!(
    /// Identifies a listing (a service a provider offers).
    ListingId
);
id_type!(
    /// Identifies an appointment slot of a booking listing.
    SlotId
);
id_type!(
    /// Identifies a kiosk station (an access link).
    StationId
);
id_type!(
    /// Identifies one visit at a kiosk; not a dashboard sign-in session.
    KioskSessionId
);
