//! The one integration test binary: `mod` lines only.

mod audit;
mod client;
mod dashboard;
mod helpers;
mod multi_instance;
mod permissions;
mod providers;
mod security;
mod sessions;
mod setup;
mod sign_in;
mod store_contract;
mod users;
