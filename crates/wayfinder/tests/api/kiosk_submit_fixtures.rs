//! The kiosk world with bookings: providers with their contacts, two booking listings with
//! slots, and a strict check of the `.ics` a confirmation carries.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{Kiosk, World, listing, world};
use serde_json::{Value, json};
use std::sync::Arc;
use wayfinder::mail::transport::Memory;

/// What [`booked_world`] made on top of [`world`].
pub struct Booked<'a> {
    pub w: World<'a>,
    /// Northside's booking listing (booking and contact email) and its two slots, 45 minutes
    /// from 2026-03-03T10:00Z.
    pub intake: String,
    pub intake_slots: Vec<String>,
    /// Eastside's booking listing (contact email only) and its slot.
    pub advice: String,
    pub advice_slot: String,
}

/// An app whose configured zone is Sydney (UTC+11 in March), so local and UTC times differ.
pub async fn sydney_app() -> TestApp {
    let memory = Memory::default();
    let zone = jiff::tz::TimeZone::get("Australia/Sydney").expect("zone");
    let mut app = TestApp::spawn_configured(Arc::new(memory.clone()), |c| c.timezone = zone).await;
    app.mail = memory;
    app
}

async fn ok(answer: (u16, Value), expect: u16) -> Value {
    assert_eq!(answer.0, expect, "{}", answer.1);
    answer.1
}

async fn provider_id(w: &World<'_>, name: &str) -> String {
    let (_, providers) = w.admin.get("/api/v1/providers").await;
    providers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn slots(
    w: &World<'_>,
    listing: &str,
    starts_at: &str,
    minutes: i64,
    count: i64,
) -> Vec<String> {
    let body = json!({ "starts_at": starts_at, "duration_minutes": minutes, "count": count });
    let made = ok(
        w.admin
            .post(&format!("/api/v1/listings/{listing}/slots"), body)
            .await,
        201,
    )
    .await;
    made["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn booked_world(app: &TestApp) -> Booked<'_> {
    let w = world(app).await;
    let northside = provider_id(&w, "Northside Services").await;
    let contacts = json!({ "booking_email": "bookings@northside.example",
        "contact_email": "info@northside.example", "phone": "02 9000 0000",
        "address": "1 Main St, Northside" });
    let path = format!("/api/v1/providers/{northside}");
    ok(w.admin.patch(&path, contacts).await, 200).await;
    let fallback = provider_id(&w, "Aardvark Helpline").await;
    let path = format!("/api/v1/providers/{fallback}");
    let contact = json!({ "contact_email": "help@aardvark.example" });
    ok(w.admin.patch(&path, contact).await, 200).await;
    let body = json!({ "name": "Eastside Legal", "contact_email": "hello@eastside.example" });
    let eastside = ok(w.admin.post("/api/v1/providers", body).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let booking = |name: &str| {
        json!({ "kind": "booking", "name": name, "category_ids": [w.housing],
            "eligibility_notes": "Bring ID" })
    };
    let intake = listing(&w.admin, &northside, booking("Intake")).await;
    let advice = listing(&w.admin, &eastside, booking("Advice")).await;
    let intake_slots = slots(&w, &intake, "2026-03-03T10:00:00Z", 45, 2).await;
    let advice_slot = slots(&w, &advice, "2026-03-04T01:00:00Z", 30, 1)
        .await
        .remove(0);
    Booked {
        w,
        intake,
        intake_slots,
        advice,
        advice_slot,
    }
}

impl Booked<'_> {
    /// A session at step 4 in Housing that chose these slots and, with `information`, the
    /// fallback provider's Helpline.
    pub async fn plan(&self, kiosk: &Kiosk<'_>, slots: &[&String], information: bool) -> String {
        let session = kiosk.at_listings(&[&self.w.housing]).await;
        let path = format!("/sessions/{session}/selections");
        for slot in slots {
            let listing = if self.intake_slots.contains(slot) {
                &self.intake
            } else {
                &self.advice
            };
            let body = json!({ "listing_id": listing, "slot_id": slot });
            ok(kiosk.post(&path, body).await, 201).await;
        }
        if information {
            let body = json!({ "listing_id": self.w.helpline });
            ok(kiosk.post(&path, body).await, 201).await;
        }
        session
    }
}

/// Whether the session still keeps a (sealed) client name.
pub fn name_kept(app: &TestApp, session: &str) -> bool {
    let sql = format!(
        "SELECT CAST(client_name_sealed IS NOT NULL AS INTEGER) FROM kiosk_sessions
         WHERE id = '{session}'"
    );
    crate::external::database_sql_ok(&app.database, &sql) == "1"
}

/// Checks an `.ics` file strictly: CRLF line ends, no line over 75 octets, one VEVENT inside
/// one VCALENDAR, UTC times as given, the reference in the summary, the address escaped.
pub fn check_ics(ics: &str, start: &str, end: &str, reference: &str) {
    assert!(ics.ends_with("\r\n"), "{ics:?}");
    assert!(
        !ics.replace("\r\n", "").contains(['\n', '\r']),
        "CRLF only: {ics:?}"
    );
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.trim_end().split("\r\n").collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    let count = |l: &str| lines.iter().filter(|x| **x == l).count();
    assert_eq!(
        (count("BEGIN:VEVENT"), count("END:VEVENT")),
        (1, 1),
        "{ics}"
    );
    assert_eq!(count("METHOD:PUBLISH"), 1);
    let value = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no {name} in {ics}"))
    };
    assert_eq!(value("DTSTART"), start);
    assert_eq!(value("DTEND"), end);
    assert!(value("DTSTAMP").ends_with('Z'));
    assert!(value("UID").contains('@'), "{ics}");
    assert!(value("SUMMARY").contains(reference), "{ics}");
    assert_eq!(value("LOCATION"), "1 Main St\\, Northside");
}
