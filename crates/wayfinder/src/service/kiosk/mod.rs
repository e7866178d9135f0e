//! The kiosk session (SPEC §8.3) as use cases for the kiosk API and pages: the station is the
//! principal, every change is one audited transaction with the station as the actor, and no
//! audit detail carries anything the client said.

pub mod flow;
pub mod listings;
pub mod submit;

use crate::AppState;
use crate::error::{AppError, Result};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::kiosk::{Progress, Step, StepRefusal};
use domain::report::KioskSession;
use domain::{KioskSessionId, StationId};
use store::Tx;
use time::{Duration, OffsetDateTime};

/// A session with no request for this long is abandoned, and its holds lapse with it.
pub const IDLE_LIMIT: Duration = Duration::minutes(30);

/// The station a kiosk request comes from, as its link token proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskPrincipal {
    pub id: StationId,
    pub name: String,
}

impl KioskPrincipal {
    pub fn actor(&self) -> Actor {
        Actor::Station {
            id: self.id.0,
            name: self.name.clone(),
        }
    }

    /// An audit event of this station about one session.
    fn event(&self, now: OffsetDateTime, action: Action, id: KioskSessionId) -> NewAuditEvent {
        NewAuditEvent::new(now, self.actor(), action).target("kiosk_session", id, "kiosk session")
    }
}

/// What the session has done, for the step rules.
pub fn progress(session: &KioskSession) -> Progress {
    Progress {
        ended: session.ended_at.is_some(),
        consented: session.consented_at.is_some(),
        demographics_given: session.gender.is_some(),
        categories_chosen: !session.categories.is_empty(),
    }
}

/// The step the session is at.
pub fn step(session: &KioskSession) -> Step {
    progress(session).step()
}

/// The answer to a step the session may not enter.
fn refused(refusal: StepRefusal) -> AppError {
    match refusal {
        StepRefusal::NotReached => AppError::State {
            code: "step_not_reached",
            message: "Finish the earlier steps first.".into(),
        },
        StepRefusal::Ended => AppError::State {
            code: "session_ended",
            message: "This session has ended. Start a new session.".into(),
        },
    }
}

/// The station's session, read: another station's session is not found.
pub async fn read(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<KioskSession> {
    match state.store.kiosk_session(id).await? {
        Some(session) if session.station_id == station.id => Ok(session),
        _ => Err(AppError::NotFound),
    }
}

/// Records a request of the session: the abandonment clock and its holds start again. A
/// session of another station, or none, changes nothing.
async fn touch(state: &AppState, id: KioskSessionId) -> Result<OffsetDateTime> {
    let now = state.now();
    state
        .store
        .touch_kiosk_session(id, now, now + IDLE_LIMIT)
        .await?;
    Ok(now)
}

/// The station's session for showing `step`, with the request recorded.
pub async fn visit(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    step: Step,
) -> Result<KioskSession> {
    let session = read(state, station, id).await?;
    progress(&session).enter(step).map_err(refused)?;
    touch(state, id).await?;
    Ok(session)
}

/// Continue in the idle warning: the live session's request is recorded, as any page's is.
pub async fn keep_alive(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
) -> Result<()> {
    let session = read(state, station, id).await?;
    if session.ended_at.is_some() {
        return Err(refused(StepRefusal::Ended));
    }
    touch(state, id).await?;
    Ok(())
}

/// Opens the transaction of a change to `step` of the station's session: the session locked,
/// the step allowed, and the request recorded. Nothing inside may use the pool: on SQLite the
/// transaction holds the one write lock and a pooled connection of its own.
async fn open(
    state: &AppState,
    station: &KioskPrincipal,
    id: KioskSessionId,
    step: Step,
) -> Result<(Box<dyn Tx>, KioskSession, OffsetDateTime)> {
    let now = state.now();
    let mut tx = state.store.begin().await?;
    let session = match tx.kiosk_session_for_update(id).await? {
        Some(session) if session.station_id == station.id => session,
        _ => return Err(AppError::NotFound),
    };
    progress(&session).enter(step).map_err(refused)?;
    tx.record_activity(id, now, now + IDLE_LIMIT).await?;
    Ok((tx, session, now))
}

/// Every category that has a listing, by name, with its listing count: step 3's cards. A
/// category with none is left out, since choosing it could only lead to an empty page.
pub async fn categories(state: &AppState) -> Result<Vec<store::CategoryWithCount>> {
    let (mut all, mut seen) = (Vec::new(), 0);
    for page in 1.. {
        let (items, total) = state
            .store
            .list_categories(domain::PageNumber::new(Some(page)))
            .await?;
        seen += items.len();
        let done = items.is_empty() || seen >= total as usize;
        all.extend(items.into_iter().filter(|c| c.listing_count > 0));
        if done {
            break;
        }
    }
    Ok(all)
}
