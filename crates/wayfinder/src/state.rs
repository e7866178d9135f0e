//! What every handler and background task shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::secrets::Keys;
use std::sync::Arc;
use store::Store;
use time::OffsetDateTime;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub clock: Arc<dyn Clock>,
    /// Wakes the mail worker when a message was queued.
    pub mail_wakeup: Arc<Notify>,
}

impl AppState {
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}
