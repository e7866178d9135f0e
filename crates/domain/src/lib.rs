//! Wayfinder's domain: pure types and rules, no I/O.

pub mod audit;
pub mod email;
pub mod ids;
pub mod text;
pub mod user;

pub use email::{EmailAddress, EmailError};
pub use ids::{ProviderId, UserId};
pub use user::{Role, User, UserStatus};
