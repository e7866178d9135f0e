//! The one integration test binary: `mod` lines only.

mod audit;
mod browser;
mod cli;
mod client;
mod dashboard;
mod external;
mod helpers;
mod member_scope;
mod multi_instance;
mod permissions;
mod provider_picker;
mod providers;
mod races;
mod reports;
mod security;
mod sessions;
mod setup;
mod sign_in;
mod slow_clients;
mod smtp;
mod stale_session;
mod store_contract;
mod text_input;
mod users;
