//! `wayfinder demo`: fills an empty database with a small, plausible world and N kiosk sessions
//! spread over the last 90 days, in large batches.

mod listings;

use crate::AppState;
use anyhow::{Context, bail};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::listing::{Listing, Station};
use domain::report::{KioskSession, ListingKind, Outcome, Selection};
use domain::{
    Category, CategoryId, EmailAddress, Gender, GenderFilter, IndigenousFilter, IndigenousStatus,
    KioskSessionId, ListingId, Provider, ProviderId, Role, StationId, User, UserId,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use secrecy::ExposeSecret;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const PROVIDERS: [(&str, &str, &str); 12] = [
    (
        "Harbour Housing Trust",
        "Transitional and long-term housing for people leaving custody.",
        "02 5550 1010",
    ),
    (
        "Second Chance Employment",
        "Job readiness, CVs and placements with local employers.",
        "02 5550 1020",
    ),
    (
        "Riverside Community Health",
        "GP clinic, mental health and alcohol and other drug support.",
        "02 5550 1030",
    ),
    (
        "Legal Aid Outreach",
        "Free legal advice on fines, parole and family matters.",
        "02 5550 1040",
    ),
    (
        "Koori Connect",
        "Aboriginal and Torres Strait Islander community services.",
        "02 5550 1050",
    ),
    (
        "Women's Way Forward",
        "Support, housing and counselling for women.",
        "02 5550 1060",
    ),
    (
        "Open Door Mentoring",
        "Peer mentors who have walked the same road.",
        "02 5550 1070",
    ),
    (
        "Fresh Start Financial",
        "Bank accounts, ID documents, Centrelink and budgeting.",
        "02 5550 1080",
    ),
    (
        "Bridge Education",
        "TAFE enrolment, literacy and numeracy.",
        "02 5550 1090",
    ),
    (
        "Family Reconnect",
        "Mediation and support to reconnect with family.",
        "02 5550 1100",
    ),
    (
        "Youth Pathways",
        "Case management for young people up to 25.",
        "02 5550 1110",
    ),
    (
        "Community Link",
        "General information and referrals when nothing else fits.",
        "02 5550 1120",
    ),
];

const CATEGORIES: [(&str, &str); 8] = [
    ("Housing", "#1f5fa8"),
    ("Employment", "#0b6e4f"),
    ("Health", "#a4262c"),
    ("Legal", "#5c2d91"),
    ("Money and ID", "#8a5a00"),
    ("Education", "#00627a"),
    ("Family", "#b4009e"),
    ("Culture and community", "#4f6b00"),
];

const STATIONS: [&str; 3] = ["Unit 1 kiosk", "Unit 4 kiosk", "Release centre"];
/// Sessions per transaction.
const BATCH: usize = 5000;
/// Sessions are spread over this much of the past.
const SPAN: Duration = Duration::days(90);

/// The world the sessions refer to.
struct World {
    providers: Vec<Provider>,
    categories: Vec<Category>,
    listings: Vec<Listing>,
    stations: Vec<Station>,
}

/// The demo's administrator to sign in as first (the demo prints it).
pub const ADMIN_EMAIL: &str = "alex.morgan@example.org";

/// Fills the database; refuses one that already has data. Returns the number of sessions.
pub async fn run(
    state: &AppState,
    sessions: usize,
    users: usize,
    seed: u64,
) -> anyhow::Result<usize> {
    if state.store.has_data().await? {
        bail!("the database already has data: `demo` fills only an empty database");
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = state.now();
    let mut world = world(state, &mut rng, now);
    let mut tx = state.store.begin().await?;
    for p in &world.providers {
        tx.insert_provider(p).await?;
    }
    // The fallback is a setting, not part of a name: the last provider is chosen here, and an
    // administrator may choose another.
    tx.set_fallback(world.providers.last().map(|p| p.id), now)
        .await?;
    for c in &world.categories {
        tx.insert_category(c).await?;
    }
    for s in &world.stations {
        tx.insert_station(s).await?;
    }
    insert_users(tx.as_mut(), &world, now).await?;
    insert_many_users(tx.as_mut(), &world, &mut rng, now, users).await?;
    let event = NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded).details(
        serde_json::json!({ "providers": world.providers.len(), "listings": world.listings.len() }),
    );
    tx.commit(event)
        .await
        .context("cannot store the demo world")?;
    listings::create(state, &mut world, &mut rng).await?;

    // Sessions are made in time order, spread over the last 90 days with some jitter, so that
    // every index grows at its end.
    let step = (SPAN / sessions.max(1) as u32).max(Duration::SECOND);
    let first = now - SPAN;
    // Batches are made while earlier ones are written; PostgreSQL takes several writers at once,
    // SQLite one (its writes are serialised anyway).
    let postgres = state
        .config
        .database_url
        .expose_secret()
        .starts_with("postgres");
    let writers = if postgres { 3 } else { 1 };
    let mut inserts = tokio::task::JoinSet::new();
    let mut done = 0;
    while done < sessions {
        let count = BATCH.min(sessions - done);
        let batch: Vec<KioskSession> = (done..done + count)
            .map(|i| {
                let jitter = Duration::seconds(rng.random_range(0..step.whole_seconds().max(1)));
                let started_at =
                    (first + step * i as u32 + jitter).min(now - Duration::minutes(30));
                session(state, &world, &mut rng, now, started_at)
            })
            .collect();
        while inserts.len() >= writers {
            inserts.join_next().await.context("a writer stopped")???;
        }
        inserts.spawn(insert_batch(state.store.clone(), batch, now));
        done += count;
    }
    while let Some(result) = inserts.join_next().await {
        result.context("a writer stopped")??;
    }
    Ok(done)
}

async fn insert_batch(
    store: std::sync::Arc<dyn store::Store>,
    batch: Vec<KioskSession>,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    tx.insert_kiosk_sessions(&batch).await?;
    let event = NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded)
        .details(serde_json::json!({ "sessions": batch.len() }));
    tx.commit(event).await.context("cannot store demo sessions")
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c)
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn world(state: &AppState, rng: &mut StdRng, now: OffsetDateTime) -> World {
    let providers: Vec<Provider> = PROVIDERS
        .iter()
        .enumerate()
        .map(|(i, (name, description, phone))| {
            let domain = format!("{}.example.org", slug(name));
            Provider {
                id: ProviderId::new(),
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                booking_email: format!("bookings@{domain}"),
                contact_email: format!("hello@{domain}"),
                phone: (*phone).to_owned(),
                address: format!("{} Main Street, Riverside NSW 2000", 10 + i * 7),
                is_fallback: false,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    let categories: Vec<Category> = CATEGORIES
        .iter()
        .map(|(name, colour)| Category {
            id: CategoryId::new(),
            name: (*name).to_owned(),
            colour: (*colour).to_owned(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    let mut listings = Vec::new();
    for (i, provider) in providers.iter().enumerate() {
        for (j, kind) in [
            ListingKind::Information,
            ListingKind::Booking,
            ListingKind::Information,
        ]
        .into_iter()
        .enumerate()
        {
            let category = &categories[(i + j) % categories.len()];
            let (gender, indigenous) = match i {
                4 => (
                    GenderFilter::Any,
                    IndigenousFilter::AboriginalOrTorresStraitIslander,
                ),
                5 => (GenderFilter::Female, IndigenousFilter::Any),
                _ => (GenderFilter::Any, IndigenousFilter::Any),
            };
            listings.push(Listing {
                id: ListingId::new(),
                provider_id: provider.id,
                kind,
                name: match kind {
                    ListingKind::Booking => format!("{} intake appointment", category.name),
                    ListingKind::Information => format!("{} information", category.name),
                },
                description: format!("{} — {}", provider.name, category.name.to_lowercase()),
                eligibility_notes: String::new(),
                gender,
                min_age: (i == 10).then_some(16),
                max_age: (i == 10).then_some(25),
                indigenous,
                category_ids: vec![category.id],
                created_at: now,
            });
        }
    }
    let stations = STATIONS
        .iter()
        .map(|name| Station {
            id: StationId::new(),
            name: (*name).to_owned(),
            token_hash: state
                .keys
                .hash("station", &[&crate::secrets::random_token()]),
            revoked_at: None,
            created_at: now,
            last_used_at: None,
        })
        .collect();
    let _ = rng;
    World {
        providers,
        categories,
        listings,
        stations,
    }
}

async fn insert_users(
    tx: &mut dyn store::Tx,
    world: &World,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let people = [
        ("Alex", "Morgan", Role::Admin, false, None),
        ("Sam", "Nguyen", Role::Admin, false, None),
        ("Jordan", "Lee", Role::User, true, Some(0)),
        ("Taylor", "Smith", Role::User, false, Some(1)),
        ("Casey", "Brown", Role::User, true, Some(4)),
        ("Riley", "Walker", Role::User, false, Some(5)),
        ("Jamie", "Wilson", Role::User, false, None),
    ];
    for (first, last, role, reports, provider) in people {
        let email = EmailAddress::parse(&format!(
            "{}.{}@example.org",
            first.to_lowercase(),
            last.to_lowercase()
        ))?;
        let user = User {
            id: UserId::new(),
            email,
            first_name: first.into(),
            last_name: last.into(),
            role,
            can_download_reports: reports,
            invited_at: now,
            invitation_expires_at: now + Duration::hours(72),
            activated_at: None,
            last_sign_in_at: None,
            created_at: now,
            updated_at: now,
        };
        tx.insert_user(&user).await?;
        if let Some(index) = provider {
            let ids: Vec<ProviderId> = world
                .providers
                .iter()
                .skip(index)
                .take(2)
                .map(|p| p.id)
                .collect();
            tx.set_memberships(user.id, &ids, now).await?;
        }
    }
    Ok(())
}

const FIRST_NAMES: [&str; 12] = [
    "Aisha", "Ben", "Chloe", "Dylan", "Emma", "Finn", "Grace", "Hamish", "Isla", "Jack", "Kiri",
    "Liam",
];
const LAST_NAMES: [&str; 10] = [
    "Anderson", "Baker", "Chen", "Davies", "Evans", "Fraser", "Green", "Hughes", "Ito", "Jones",
];

/// `count` more User accounts, a third of them members of one or two providers.
async fn insert_many_users(
    tx: &mut dyn store::Tx,
    world: &World,
    rng: &mut StdRng,
    now: OffsetDateTime,
    count: usize,
) -> anyhow::Result<()> {
    for n in 0..count {
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Sam");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Lee");
        let email = format!(
            "{}.{}.{n}@example.org",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let user = User {
            id: UserId(Uuid::now_v7()),
            email: EmailAddress::parse(&email)?,
            first_name: first.into(),
            last_name: last.into(),
            role: Role::User,
            can_download_reports: rng.random_bool(0.1),
            invited_at: now,
            invitation_expires_at: now + Duration::hours(72),
            activated_at: None,
            last_sign_in_at: None,
            created_at: now,
            updated_at: now,
        };
        tx.insert_user(&user).await?;
        if n % 3 == 0 {
            let how_many = rng.random_range(1..=2);
            let providers: Vec<ProviderId> = world
                .providers
                .choose_multiple(rng, how_many)
                .map(|p| p.id)
                .collect();
            tx.set_memberships(user.id, &providers, now).await?;
        }
    }
    Ok(())
}

fn session(
    state: &AppState,
    world: &World,
    rng: &mut StdRng,
    now: OffsetDateTime,
    started_at: OffsetDateTime,
) -> KioskSession {
    let minutes = rng.random_range(3..25);
    let outcome = match rng.random_range(0..100) {
        0..75 => Outcome::Completed,
        75..90 => Outcome::Cancelled,
        _ => Outcome::Abandoned,
    };
    let how_many = rng.random_range(1..=3);
    let chosen: Vec<&Category> = world.categories.choose_multiple(rng, how_many).collect();
    let fallback = world.providers.last().map(|p| p.id);
    let mut selections = Vec::new();
    if outcome != Outcome::Abandoned || rng.random_bool(0.3) {
        for category in &chosen {
            let matching: Vec<&Listing> = world
                .listings
                .iter()
                .filter(|l| l.category_ids.contains(&category.id))
                .collect();
            if let Some(listing) = matching.choose(rng) {
                let provider = world
                    .providers
                    .iter()
                    .find(|p| p.id == listing.provider_id)
                    .expect("listing's provider");
                let booking = listing.kind == ListingKind::Booking;
                selections.push(Selection {
                    listing_id: Some(listing.id),
                    provider_id: Some(provider.id),
                    provider_name: provider.name.clone(),
                    listing_name: listing.name.clone(),
                    kind: listing.kind,
                    slot_id: None,
                    slot_starts_at: booking.then(|| {
                        started_at + Duration::days(rng.random_range(1..10)) + Duration::hours(2)
                    }),
                    is_fallback: Some(provider.id) == fallback,
                });
            }
        }
    }
    // A name is kept only for an appointment still to come.
    let upcoming = selections
        .iter()
        .any(|s| s.slot_starts_at.is_some_and(|at| at > now));
    let names = ["Client A", "Client B", "Client C"];
    KioskSession {
        // Time-ordered ids: the indexes grow at their end instead of everywhere at once.
        id: KioskSessionId(Uuid::now_v7()),
        station_id: world.stations.choose(rng).map(|s| s.id).unwrap_or_default(),
        started_at,
        ended_at: Some(started_at + Duration::minutes(minutes)),
        outcome: Some(outcome),
        consented_at: Some(started_at + Duration::seconds(20)),
        gender: Gender::ALL.choose(rng).copied(),
        age: Some(rng.random_range(18..70)),
        indigenous_status: IndigenousStatus::ALL.choose(rng).copied(),
        client_name_sealed: upcoming.then(|| {
            state
                .keys
                .seal(names.choose(rng).unwrap_or(&"Client").as_bytes())
        }),
        categories: chosen
            .iter()
            .map(|c| (Some(c.id), c.name.clone()))
            .collect(),
        selections,
    }
}
