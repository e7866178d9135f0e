//! Wayfinder: connects people leaving prison with community services.
//!
//! Requests follow one path: route (`http`) → handler → use case (`service`) → `store`.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod csv_safe;
pub mod demo;
pub mod error;
pub mod http;
pub mod jobs;
pub mod local_time;
pub mod mail;
pub mod secrets;
pub mod server;
pub mod service;
pub mod startup;
pub mod state;

pub use state::AppState;
