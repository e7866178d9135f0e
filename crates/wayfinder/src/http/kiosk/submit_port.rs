//! A stand-in for `service::kiosk::submit` until it lands: the same signatures, so that the
//! review and print pages compile against them. Delete this file and import the service
//! instead once it is merged.

use crate::AppState;
use crate::error::{AppError, Result};
use crate::service::kiosk::KioskPrincipal;
use domain::KioskSessionId;
use time::OffsetDateTime;

/// How long the print page stays reachable after submit.
pub const PRINT_WINDOW: time::Duration = time::Duration::minutes(15);

pub struct PrintPlan {
    pub appointments: Vec<PrintedAppointment>,
    pub services: Vec<PrintedService>,
    pub reference: String,
    pub submitted_at: OffsetDateTime,
}

pub struct PrintedAppointment {
    pub provider_name: String,
    pub listing_name: String,
    pub starts_at: OffsetDateTime,
    pub duration_minutes: i64,
    pub address: String,
    pub phone: String,
    pub eligibility_notes: String,
    pub reference: String,
}

pub struct PrintedService {
    pub provider_name: String,
    pub listing_name: String,
    pub description: String,
    pub eligibility_notes: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

pub async fn submit(
    _state: &AppState,
    _station: &KioskPrincipal,
    _id: KioskSessionId,
    _client_name: Option<&str>,
) -> Result<()> {
    Err(AppError::NotFound)
}

pub async fn print_plan(
    _state: &AppState,
    _station: &KioskPrincipal,
    _id: KioskSessionId,
) -> Result<PrintPlan> {
    Err(AppError::NotFound)
}
