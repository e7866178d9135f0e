//! Use cases, shared by the HTML pages and the JSON API: each takes the state, who acts, and
//! parsed input, and does its work in one transaction with its audit event.

pub mod accounts;
pub mod rate_limit;
pub mod setup;
pub mod sign_in;

use std::net::IpAddr;

/// Who is asking, as far as the network tells.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
}

impl Origin {
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }
}
