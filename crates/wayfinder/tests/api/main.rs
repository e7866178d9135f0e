//! The one integration test binary: `mod` lines only.

mod audit;
mod dashboard;
mod helpers;
mod multi_instance;
mod security;
mod sessions;
mod setup;
mod sign_in;
mod store_contract;
