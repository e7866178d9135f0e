//! The one integration test binary: `mod` lines only.

mod audit;
mod browser;
mod cli;
mod client;
mod dashboard;
mod external;
mod fake_smtp;
mod helpers;
mod mail_crash;
mod mail_delivery;
mod multi_instance;
mod permissions;
mod providers;
mod reports;
mod security;
mod sessions;
mod setup;
mod sign_in;
mod smtp;
mod store_contract;
mod users;
