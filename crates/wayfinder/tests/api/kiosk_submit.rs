//! Submit at the kiosk (SPEC §8.3 step 5, §12): holds become bookings, the session ends
//! `completed`, one confirmation with an `.ics` goes to each booked provider, and the print
//! page's content is there for 15 minutes.

use crate::helpers::TestApp;
use crate::kiosk_fixtures::{Kiosk, world};
use crate::kiosk_submit_fixtures::{booked_world, check_ics, name_kept, sydney_app};
use serde_json::json;
use time::Duration;
use wayfinder::error::AppError;
use wayfinder::service::kiosk::KioskPrincipal;
use wayfinder::service::kiosk::submit::{self, PRINT_WINDOW};

/// The recipients of every message but the dashboard users' invitations and sign-ins.
fn provider_mail(app: &TestApp) -> Vec<String> {
    let mut to: Vec<String> = app
        .mail
        .messages()
        .into_iter()
        .filter(|m| m.subject.starts_with("Booking "))
        .map(|m| m.to)
        .collect();
    to.sort();
    to
}

async fn submit_ok(kiosk: &Kiosk<'_>, session: &str, name: Option<&str>) -> serde_json::Value {
    let body = name.map_or(json!({}), |n| json!({ "client_name": n }));
    let (status, answer) = kiosk
        .post(&format!("/sessions/{session}/submit"), body)
        .await;
    assert_eq!(status, 200, "{answer}");
    answer
}

#[tokio::test]
async fn a_submitted_booking_is_confirmed_to_the_provider_with_the_time_in_the_configured_zone() {
    let app = sydney_app().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], true).await;

    let answer = submit_ok(&kiosk, &session, Some("Ann Client")).await;
    assert_eq!(answer["print_url"], "/kiosk/print");
    assert_eq!(answer["session"]["id"], session.as_str());
    assert_eq!(answer["session"]["step"], "ended");
    assert_eq!(answer["session"]["outcome"], "completed");
    assert_eq!(answer["session"]["selections"].as_array().unwrap().len(), 2);

    let mail = app.wait_for_email("bookings@northside.example", 1).await;
    // 2026-03-03T10:00Z is 21:00 in Sydney (UTC+11 in March).
    for part in [
        "Intake",
        "Ann Client",
        "2026-03-03",
        "21:00",
        "45 minutes",
        "Unit 1 kiosk",
    ] {
        assert!(mail.text.contains(part), "{part} in {}", mail.text);
    }
    assert!(
        !mail.subject.contains("Ann Client"),
        "the subject stays queued"
    );
    let reference = mail
        .subject
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':');
    assert!(mail.text.contains(&format!("Reference: {reference}")));
    assert_eq!(mail.attachments.len(), 1);
    let file = &mail.attachments[0];
    assert_eq!(file.filename, "appointment.ics");
    assert!(
        file.content_type
            .starts_with("text/calendar; method=PUBLISH")
    );
    check_ics(
        &file.content,
        "20260303T100000Z",
        "20260303T104500Z",
        reference,
    );
    let formatted = String::from_utf8(
        mail.to_message(&app.state.config.mail_from)
            .unwrap()
            .formatted(),
    )
    .unwrap();
    assert!(
        formatted.contains("text/calendar; method=PUBLISH"),
        "{formatted}"
    );
    assert!(formatted.contains("appointment.ics"), "{formatted}");

    // One message per booking; none for the information listing's provider.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(provider_mail(&app), ["bookings@northside.example"]);
    let (_, slots) =
        b.w.admin
            .get(&format!("/api/v1/listings/{}/slots", b.intake))
            .await;
    assert_eq!(slots["items"][0]["status"], "booked", "{slots}");
}

#[tokio::test]
async fn each_booking_gets_its_own_confirmation_and_the_contact_email_stands_in_for_a_missing_booking_email()
 {
    let app = sydney_app().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b
        .plan(&kiosk, &[&b.intake_slots[1], &b.advice_slot], false)
        .await;
    submit_ok(&kiosk, &session, Some("Ann Client")).await;
    let advice = app.wait_for_email("hello@eastside.example", 1).await;
    assert!(advice.text.contains("Advice"), "{}", advice.text);
    app.wait_for_email("bookings@northside.example", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        provider_mail(&app),
        ["bookings@northside.example", "hello@eastside.example"]
    );
    assert!(app.emails_to("info@northside.example").is_empty());
}

#[tokio::test]
async fn a_plan_with_a_booking_needs_the_clients_name_and_an_empty_plan_needs_none() {
    let app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], false).await;
    let path = format!("/sessions/{session}/submit");
    for body in [
        json!({}),
        json!({ "client_name": "  " }),
        json!({ "client_name": "Ann\u{202E}Client" }),
        json!({ "client_name": "Ann\nClient" }),
    ] {
        let (status, answer) = kiosk.post(&path, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(
            answer["error"]["fields"]["client_name"].is_string(),
            "{answer}"
        );
    }
    let (_, still) = kiosk.get(&format!("/sessions/{session}")).await;
    assert_eq!(still["step"], "listings", "nothing changed: {still}");
    let (status, _) = kiosk.post(&path, json!({ "surname": "x" })).await;
    assert_eq!(status, 400, "unknown fields are refused");

    let empty = kiosk.at_listings(&[&b.w.housing]).await;
    let answer = submit_ok(&kiosk, &empty, None).await;
    assert_eq!(answer["session"]["outcome"], "completed");
    assert!(
        !name_kept(&app, &empty),
        "no name is kept without a booking"
    );
}

#[tokio::test]
async fn submit_before_the_categories_twice_or_on_another_stations_session_is_refused() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let kiosk = Kiosk::new(&app, &w.token);
    let early = kiosk.start().await;
    let (status, answer) = kiosk
        .post(&format!("/sessions/{early}/submit"), json!({}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "step_not_reached");

    let session = kiosk.at_listings(&[&w.housing]).await;
    let other = Kiosk::new(&app, &w.other_token);
    let (status, _) = other
        .post(&format!("/sessions/{session}/submit"), json!({}))
        .await;
    assert_eq!(status, 404);
    submit_ok(&kiosk, &session, None).await;
    let (status, answer) = kiosk
        .post(&format!("/sessions/{session}/submit"), json!({}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "session_ended");
}

#[tokio::test]
async fn a_booked_slot_can_be_neither_held_nor_booked_by_anyone_else() {
    let app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], false).await;
    submit_ok(&kiosk, &session, Some("Ann Client")).await;

    let rival = kiosk.at_listings(&[&b.w.housing]).await;
    let choose = json!({ "listing_id": b.intake, "slot_id": b.intake_slots[0] });
    let (status, answer) = kiosk
        .post(&format!("/sessions/{rival}/selections"), choose)
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "slot_taken");
    // In the database itself: the booking is not handed to another session…
    let slot = &b.intake_slots[0];
    let handed = crate::external::database_sql(
        &app.database,
        &format!("UPDATE slots SET booked_by_session = '{rival}' WHERE id = '{slot}'"),
    );
    assert!(!handed.status.success(), "the trigger refuses it");
    // …and the booking statement takes nothing that is booked.
    let booked = crate::external::database_sql_ok(
        &app.database,
        &format!(
            "UPDATE slots SET booked_by_session = '{rival}', held_by_session = NULL,
               held_until = NULL
             WHERE held_by_session = '{rival}' AND booked_by_session IS NULL RETURNING id"
        ),
    );
    assert_eq!(booked, "", "no row changed");
}

#[tokio::test]
async fn a_hold_taken_by_another_session_meanwhile_fails_submit_with_slot_taken_and_changes_nothing()
 {
    let app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], false).await;
    // The hold lapses (as after a long wait) and another session takes the time.
    crate::external::database_sql_ok(
        &app.database,
        &format!(
            "UPDATE slots SET held_until =
               (SELECT started_at FROM kiosk_sessions WHERE id = '{session}') WHERE id = '{}'",
            b.intake_slots[0]
        ),
    );
    let rival = kiosk.at_listings(&[&b.w.housing]).await;
    let choose = json!({ "listing_id": b.intake, "slot_id": b.intake_slots[0] });
    let (status, answer) = kiosk
        .post(&format!("/sessions/{rival}/selections"), choose)
        .await;
    assert_eq!(status, 201, "{answer}");

    let (status, answer) = kiosk
        .post(
            &format!("/sessions/{session}/submit"),
            json!({ "client_name": "Ann Client" }),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "slot_taken");
    let (_, still) = kiosk.get(&format!("/sessions/{session}")).await;
    assert_eq!(still["step"], "listings", "{still}");
    assert!(!name_kept(&app, &session));
    let (_, slots) =
        b.w.admin
            .get(&format!("/api/v1/listings/{}/slots", b.intake))
            .await;
    assert_eq!(slots["items"][0]["status"], "held", "the rival keeps it");
    assert!(provider_mail(&app).is_empty());
}

#[tokio::test]
async fn the_print_plan_is_there_for_15_minutes_after_submit_and_then_never() {
    let app = TestApp::spawn().await;
    let b = booked_world(&app).await;
    let kiosk = Kiosk::new(&app, &b.w.token);
    let session = b.plan(&kiosk, &[&b.intake_slots[0]], true).await;
    let station = principal(&app, "Unit 1 kiosk").await;
    let other = principal(&app, "Unit 2 kiosk").await;
    let id = session.parse().unwrap();
    let refused = submit::print_plan(&app.state, &station, id).await;
    assert!(
        matches!(refused, Err(AppError::NotFound)),
        "not before submit"
    );
    submit_ok(&kiosk, &session, Some("Ann Client")).await;

    let plan = submit::print_plan(&app.state, &station, id).await.unwrap();
    assert_eq!(plan.appointments.len(), 1);
    let appointment = &plan.appointments[0];
    assert_eq!(appointment.listing_name, "Intake");
    assert_eq!(appointment.provider_name, "Northside Services");
    assert_eq!(appointment.duration_minutes, 45);
    assert_eq!(appointment.address, "1 Main St, Northside");
    assert_eq!(appointment.phone, "02 9000 0000");
    assert_eq!(appointment.eligibility_notes, "Bring ID");
    let mail = app.wait_for_email("bookings@northside.example", 1).await;
    assert!(
        mail.subject.contains(&appointment.reference),
        "one reference in both"
    );
    assert_eq!(plan.services.len(), 1);
    assert_eq!(plan.services[0].listing_name, "Helpline");
    assert_eq!(plan.services[0].email, "help@aardvark.example");
    assert_eq!(plan.reference.len(), 8);
    let debug = format!("{plan:?}");
    assert!(
        !debug.contains("Ann Client"),
        "no client name on the print page"
    );
    let refused = submit::print_plan(&app.state, &other, id).await;
    assert!(
        matches!(refused, Err(AppError::NotFound)),
        "another station's"
    );

    app.clock.advance(PRINT_WINDOW - Duration::minutes(1));
    assert!(submit::print_plan(&app.state, &station, id).await.is_ok());
    app.clock.advance(Duration::minutes(2));
    let gone = submit::print_plan(&app.state, &station, id).await;
    assert!(matches!(gone, Err(AppError::NotFound)), "{gone:?}");
}

/// The station called `name`, as the service sees it.
pub async fn principal(app: &TestApp, name: &str) -> KioskPrincipal {
    let (stations, _) = app
        .state
        .store
        .list_stations(domain::PageNumber::new(Some(1)))
        .await
        .unwrap();
    let station = stations.into_iter().find(|s| s.name == name).unwrap();
    KioskPrincipal {
        id: station.id,
        name: station.name,
    }
}
