//! The one integration test binary: `mod` lines only.

mod audit;
mod browser;
mod cli;
mod client;
mod dashboard;
mod external;
mod helpers;
mod multi_instance;
mod openapi;
mod permissions;
mod providers;
mod reports;
mod schemathesis;
mod security;
mod sessions;
mod setup;
mod sign_in;
mod smtp;
mod store_contract;
mod users;
