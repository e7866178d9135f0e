//! Wayfinder's domain: pure types and rules, no I/O.

pub mod access;
pub mod audit;
pub mod colour;
pub mod demographics;
pub mod email;
pub mod ids;
pub mod kiosk;
pub mod listing;
pub mod paging;
pub mod provider;
pub mod report;
pub mod return_path;
pub mod slot_series;
pub mod text;
pub mod user;

pub use access::{Permission, Scope, Viewer};
pub use demographics::{Gender, GenderFilter, IndigenousFilter, IndigenousStatus};
pub use email::{EmailAddress, EmailError};
pub use ids::{CategoryId, KioskSessionId, ListingId, ProviderId, SlotId, StationId, UserId};
pub use paging::{PAGE_SIZE, PageNumber};
pub use provider::{Category, Provider, ProviderProfile};
pub use user::{Role, User, UserStatus};
