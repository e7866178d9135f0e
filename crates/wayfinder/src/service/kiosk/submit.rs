//! Step 5, Submit (SPEC §8.3): the holds become bookings in one statement, the session ends
//! `completed`, and one confirmation per booking is queued to its provider, all in one
//! transaction; then the print page, for 15 minutes. The client's name is sealed, mailed in the
//! sealed body only, and erased by the sweep once the last appointment is over.

use super::{KioskPrincipal, open};
use crate::AppState;
use crate::error::{AppError, Result};
use crate::mail::templates::{self, Booking};
use crate::service::retrying;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::kiosk::Step;
use domain::listing::Listing;
use domain::report::{KioskSession, ListingKind, Outcome, Selection};
use domain::{EmailAddress, KioskSessionId, Provider, SlotId};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::Tx;
use time::OffsetDateTime;

/// How long after submit the print page stays reachable on the station.
pub const PRINT_WINDOW: time::Duration = time::Duration::minutes(15);

/// The print page's content: no client name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintPlan {
    pub appointments: Vec<PrintedAppointment>,
    pub services: Vec<PrintedService>,
    pub reference: String,
    pub submitted_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedService {
    pub provider_name: String,
    pub listing_name: String,
    pub description: String,
    pub eligibility_notes: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

/// Letters and digits that cannot be misread aloud or on paper: no 0/O, no 1/I.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Eight characters of [`ALPHABET`] (40 bits) from a hash of `parts`.
fn reference_of(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    let digest = hash.finalize();
    let bits = digest[..5]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    (0..8)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A booking's reference: the same in its email and on the print page.
pub fn booking_reference(session: KioskSessionId, slot: SlotId) -> String {
    reference_of(&[b"booking", session.0.as_bytes(), slot.0.as_bytes()])
}

/// The whole session's reference, printed for the client.
pub fn session_reference(session: KioskSessionId) -> String {
    reference_of(&[b"session", session.0.as_bytes()])
}

/// A booking of the plan with what its confirmation and its printed line need; read before
/// the transaction (which must not wait on the pool).
#[derive(Debug, Clone)]
struct Appointment {
    selection: Selection,
    slot: SlotId,
    starts_at: OffsetDateTime,
    duration_minutes: i64,
    provider: Option<Provider>,
    listing: Option<Listing>,
}

impl Appointment {
    fn ends_at(&self) -> OffsetDateTime {
        self.starts_at + time::Duration::minutes(self.duration_minutes)
    }

    /// The provider's booking email, or its contact email when it has none.
    fn recipient(&self) -> Option<EmailAddress> {
        let provider = self.provider.as_ref()?;
        [&provider.booking_email, &provider.contact_email]
            .into_iter()
            .find(|e| !e.trim().is_empty())
            .and_then(|e| EmailAddress::parse(e).ok())
    }
}

/// The plan's bookings, with their slots, listings and providers as they are now.
async fn appointments(state: &AppState, session: &KioskSession) -> Result<Vec<Appointment>> {
    let now = state.now();
    let mut found = Vec::new();
    for selection in &session.selections {
        let Some(slot) = selection.slot_id else {
            continue;
        };
        let entry = state.store.slot_entry(slot, now).await?;
        let provider = match selection.provider_id {
            Some(id) => state.store.provider(id).await?,
            None => None,
        };
        let listing = match selection.listing_id {
            Some(id) => state.store.listing(id).await?,
            None => None,
        };
        found.push(Appointment {
            selection: selection.clone(),
            slot,
            starts_at: selection
                .slot_starts_at
                .or(entry.as_ref().map(|e| e.starts_at))
                .unwrap_or(now),
            duration_minutes: entry.map_or(0, |e| e.duration_minutes),
            provider,
            listing,
        });
    }
    Ok(found)
}

/// The client's name: required with a booking, never asked for (nor kept) otherwise.
fn client_name(bookings: &[Appointment], given: Option<&str>) -> Result<Option<String>> {
    if bookings.is_empty() {
        return Ok(None);
    }
    domain::text::parse_name(given.unwrap_or(""), "client's name")
        .map(Some)
        .map_err(|message| AppError::field("client_name", message))
}

/// A hold that lapsed and went to another session while this one was open.
fn taken_meanwhile() -> AppError {
    AppError::State {
        code: "slot_taken",
        message: "One of the chosen times was taken while this session was open. Remove it and \
            choose another time."
            .into(),
    }
}

/// Submit: allowed once categories are chosen (step_not_reached before; session_ended after).
pub async fn submit(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    client_name: Option<&str>,
) -> Result<()> {
    let session = super::read(state, station, id).await?;
    super::progress(&session)
        .enter(Step::Review)
        .map_err(super::refused)?;
    let bookings = appointments(state, &session).await?;
    let name = self::client_name(&bookings, client_name)?;
    let sealed = name.as_ref().map(|n| state.keys.seal(n.as_bytes()));
    let erase_at = bookings.iter().map(Appointment::ends_at).max();
    let planned: Vec<Option<SlotId>> = session.selections.iter().map(|s| s.slot_id).collect();
    retrying(|| async {
        let (mut tx, locked, now) = open(state, station, id, Step::Review).await?;
        let locked_plan: Vec<Option<SlotId>> =
            locked.selections.iter().map(|s| s.slot_id).collect();
        if locked_plan != planned {
            return Err(AppError::State {
                code: "plan_changed",
                message: "The plan changed meanwhile. Review it and submit again.".into(),
            });
        }
        let booked = tx
            .submit_kiosk_session(id, sealed.clone(), erase_at, now)
            .await?;
        if booked != bookings.len() as u64 {
            // Dropping the transaction rolls back the bookings made and the session's end.
            return Err(taken_meanwhile());
        }
        let name = name.as_deref();
        record_bookings(tx.as_mut(), state, station, id, &bookings, name, now).await?;
        let information = session.selections.len() - bookings.len();
        let event = station
            .event(now, Action::KioskSessionSubmitted, id)
            .details(json!({ "bookings": bookings.len(), "information": information }));
        tx.commit(event).await?;
        Ok(())
    })
    .await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Inside the submit's transaction: each booking's confirmation queued (to a provider with an
/// address) and its audit event, which names the listing and the slot, never the client.
async fn record_bookings(
    tx: &mut dyn Tx,
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    bookings: &[Appointment],
    name: Option<&str>,
    now: OffsetDateTime,
) -> Result<()> {
    for booking in bookings {
        if let (Some(to), Some(name)) = (booking.recipient(), name) {
            let email = confirmation(state, station, id, booking, to, name, now);
            crate::mail::queue(tx, state, email).await?;
        }
        let event = station
            .event(now, Action::KioskBookingMade, id)
            .details(json!({
                "listing_id": booking.selection.listing_id.map(|l| l.to_string()),
                "slot_id": booking.slot.to_string(),
            }));
        tx.record(event).await?;
    }
    Ok(())
}

/// The provider's confirmation of one booking.
fn confirmation(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    booking: &Appointment,
    to: EmailAddress,
    client_name: &str,
    now: OffsetDateTime,
) -> crate::mail::Email {
    let reference = booking_reference(id, booking.slot);
    let uid = format!(
        "{id}-{}@{}",
        booking.slot,
        state.config.mail_from.email.domain()
    );
    let address = booking.provider.as_ref().map_or("", |p| p.address.as_str());
    let details = Booking {
        to,
        listing_name: &booking.selection.listing_name,
        starts_at: booking.starts_at,
        duration_minutes: booking.duration_minutes,
        client_name,
        station_name: &station.name,
        reference: &reference,
        uid: &uid,
        address,
        now,
    };
    templates::booking(&details, &state.config.timezone)
}

/// The print page's content; Err(AppError::NotFound) unless the session is this station's,
/// completed, and ended less than 15 minutes ago.
pub async fn print_plan(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<PrintPlan> {
    let session = super::read(state, station, id).await?;
    let submitted_at = match (session.outcome, session.ended_at) {
        (Some(Outcome::Completed), Some(ended)) if state.now() - ended < PRINT_WINDOW => ended,
        _ => return Err(AppError::NotFound),
    };
    let appointments = appointments(state, &session)
        .await?
        .into_iter()
        .map(|a| PrintedAppointment {
            reference: booking_reference(id, a.slot),
            provider_name: a.selection.provider_name.clone(),
            listing_name: a.selection.listing_name.clone(),
            starts_at: a.starts_at,
            duration_minutes: a.duration_minutes,
            address: a
                .provider
                .as_ref()
                .map(|p| p.address.clone())
                .unwrap_or_default(),
            phone: a
                .provider
                .as_ref()
                .map(|p| p.phone.clone())
                .unwrap_or_default(),
            eligibility_notes: a.listing.map(|l| l.eligibility_notes).unwrap_or_default(),
        })
        .collect();
    let mut services = Vec::new();
    for s in &session.selections {
        if s.kind == ListingKind::Information {
            services.push(printed_service(state, s).await?);
        }
    }
    Ok(PrintPlan {
        appointments,
        services,
        reference: session_reference(id),
        submitted_at,
    })
}

/// An information listing of the plan, with its provider's contacts as they are now.
async fn printed_service(state: &AppState, s: &Selection) -> Result<PrintedService> {
    let provider = match s.provider_id {
        Some(id) => state.store.provider(id).await?,
        None => None,
    };
    let listing = match s.listing_id {
        Some(id) => state.store.listing(id).await?,
        None => None,
    };
    let (description, eligibility_notes) =
        listing.map_or_else(Default::default, |l| (l.description, l.eligibility_notes));
    let provider = provider.as_ref();
    let field = |f: fn(&Provider) -> &String| provider.map(|p| f(p).clone()).unwrap_or_default();
    Ok(PrintedService {
        provider_name: s.provider_name.clone(),
        listing_name: s.listing_name.clone(),
        description,
        eligibility_notes,
        phone: field(|p| &p.phone),
        email: field(|p| &p.contact_email),
        address: field(|p| &p.address),
    })
}

/// The sweep's step: erases the sealed names whose last appointment has ended, each erasure
/// audited as a system event (without the name). Returns how many went.
pub async fn erase_due_names(state: &AppState) -> Result<usize> {
    retrying(|| async {
        let now = state.now();
        let mut tx = state.store.begin().await?;
        let erased = tx.erase_client_names(now).await?;
        let event = |id: &KioskSessionId| {
            NewAuditEvent::new(now, Actor::System, Action::KioskClientNameErased).target(
                "kiosk_session",
                *id,
                "kiosk session",
            )
        };
        let Some((last, rest)) = erased.split_last() else {
            return Ok(0);
        };
        for id in rest {
            tx.record(event(id)).await?;
        }
        tx.commit(event(last)).await?;
        Ok(erased.len())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_eight_unambiguous_characters_and_stable() {
        let (session, slot) = (KioskSessionId::new(), SlotId::new());
        let reference = booking_reference(session, slot);
        assert_eq!(reference.len(), 8);
        assert!(reference.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(!reference.contains(['0', 'O', '1', 'I']));
        assert_eq!(reference, booking_reference(session, slot));
        assert_ne!(reference, booking_reference(session, SlotId::new()));
        assert_ne!(session_reference(session), reference);
    }
}
