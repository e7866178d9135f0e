//! The client's name after submit (SPEC §8.3, §7, §9, §10): sealed in the database, absent from
//! the logs, the audit log, the reports and the mail queue once delivered, and erased by the
//! sweep after the last appointment has ended. And the report holds the submitted session.

use crate::client::Api;
use crate::external::{Secret, database_files, database_sql_ok, eventually, leaks};
use crate::helpers::TestApp;
use crate::kiosk_fixtures::Kiosk;
use crate::kiosk_submit_fixtures::{booked_world, name_kept};
use domain::Role;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use time::Duration;

const NAME: &str = "Zebediah Quux";

/// Everything logged in this test process at INFO and up, from the first call on: a global
/// subscriber, because a thread's own one misses callsites whose interest other tests' threads
/// (with no subscriber) cached first. Other tests' lines come along, which only widens the scan.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The process's captured log, installed on first use.
fn captured_logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
        logs
    })
    .clone()
}

#[tokio::test]
async fn the_clients_name_is_nowhere_in_clear_after_submit_and_delivery() {
    let logs = captured_logs();
    let mut app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], true).await;
    let body = json!({ "client_name": NAME });
    let (status, answer) = kiosk
        .post(&format!("/sessions/{session}/submit"), body)
        .await;
    assert_eq!(status, 200, "{answer}");
    let mail = app.wait_for_email("bookings@northside.example", 1).await;
    assert!(mail.text.contains(NAME), "the provider is told the name");
    eventually("the delivery recorded", 10, || {
        let sql = "SELECT COUNT(*) FROM mail_queue WHERE sent_at IS NULL";
        (database_sql_ok(&app.database, sql) == "0").then_some(())
    })
    .await;
    assert!(name_kept(&app, &session), "sealed, not gone");

    let (_, audit) = b.w.admin.get("/api/v1/audit").await;
    let text = audit.to_string();
    for action in ["kiosk.session_submitted", "kiosk.booking_made"] {
        assert!(text.contains(action), "{action} in {text}");
    }
    let (status, audit_csv) = b.w.admin.get("/api/v1/audit.csv").await;
    assert_eq!(status, 200);
    let (status, report) =
        b.w.admin
            .get("/api/v1/reports/sessions.csv?from=2026-03-01&to=2026-03-05")
            .await;
    assert_eq!(status, 200, "{report}");
    let report = report.as_str().unwrap().to_owned();
    let row = report
        .lines()
        .find(|l| l.starts_with(&session))
        .unwrap_or_else(|| panic!("the session is reported: {report}"));
    assert!(row.contains(",completed,"), "{row}");
    assert!(
        row.contains("Northside Services — Intake @ 2026-03-03T10:00:00"),
        "{row}"
    );
    assert!(row.contains("Aardvark Helpline — Helpline"), "{row}");
    for (what, haystack) in [
        ("the audit log", text),
        ("the audit CSV", audit_csv.to_string()),
        ("the report", report),
    ] {
        assert!(!haystack.contains(NAME), "{what} holds the name");
    }
    let queue = database_sql_ok(&app.database, "SELECT * FROM mail_queue");
    assert!(!queue.contains(NAME), "{queue}");

    app.stop().await;
    let logged = logs.text();
    assert!(
        logged.contains("mail written") || logged.contains("INFO"),
        "captured: {logged}"
    );
    assert!(!logged.contains(NAME), "the logs hold the name");
    let secrets = [Secret::Token(NAME.to_owned())];
    assert_eq!(leaks(&database_files(&app), &secrets), []);
}

#[tokio::test]
async fn the_sweep_erases_the_name_once_the_last_appointment_has_ended_and_audits_it_without_it() {
    let app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    // Appointments: 2026-03-03T10:00Z for 45 minutes, and 2026-03-04T01:00Z for 30.
    let session = b
        .plan(&kiosk, &[&b.intake_slots[0], &b.advice_slot], false)
        .await;
    let body = json!({ "client_name": NAME });
    let (status, answer) = kiosk
        .post(&format!("/sessions/{session}/submit"), body)
        .await;
    assert_eq!(status, 200, "{answer}");
    let erase = || wayfinder::service::kiosk::submit::erase_due_names(&app.state);

    // After the first appointment, before the end of the last: kept.
    app.clock
        .advance(time::macros::datetime!(2026-03-04 01:29 UTC) - app.clock_now());
    assert_eq!(erase().await.unwrap(), 0);
    assert!(name_kept(&app, &session));

    // The sweep itself, once the last appointment is over.
    app.clock.advance(Duration::minutes(2));
    eventually("the sweep's erasure", 15, || {
        (!name_kept(&app, &session)).then_some(())
    })
    .await;
    // The first admin's session has ended with the days gone by.
    let auditor = Api::sign_in(&app, "auditor@example.org", Role::Admin).await;
    let (_, audit) = auditor
        .get("/api/v1/audit?action=kiosk.client_name_erased")
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
    let event = &audit["items"][0];
    assert_eq!(event["target_id"], session.as_str(), "{event}");
    assert!(event.to_string().contains("system"), "{event}");
    assert!(!audit.to_string().contains(NAME));
    assert_eq!(erase().await.unwrap(), 0, "erased once");
}
