//! An administrator's journeys in a real browser (SPEC §3, §6, §7): a user invited with two
//! providers whose access follows every change, the `sessions.csv` download, and the axe-core
//! check of every administrator's page at desktop and phone width.

use super::axe::check_page;
use super::driver::Browser;
use super::sign_in_by_link;
use crate::helpers::TestApp;
use domain::Viewer;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::listing::Station;
use domain::report::{KioskSession, ListingKind, Outcome, Selection};
use domain::{Gender, IndigenousStatus, KioskSessionId, Provider, Role, StationId, User};
use time::Duration;
use uuid::Uuid;
use wayfinder::service::categories::{self, CategoryInput};
use wayfinder::service::providers::{self, ProviderInput};
use wayfinder::service::users::{self, NewUser};

/// The header row of `sessions.csv` (SPEC §7), spelled out rather than taken from the code.
const SESSIONS_CSV_HEADER: &str = "session_id,started_at,ended_at,duration_seconds,outcome,\
    station,gender,age,indigenous_status,categories,information_listings,bookings,\
    fallback_selected";

/// Adds a provider as the command line would, with a full profile.
async fn add_provider(app: &TestApp, name: &str) -> Provider {
    let input = ProviderInput {
        name: Some(name.into()),
        description: Some(format!("{name} helps people leaving custody.")),
        booking_email: Some("bookings@example.org".into()),
        contact_email: Some("hello@example.org".into()),
        phone: Some("02 9999 0000".into()),
        address: Some("1 Harbour Street, Sydney".into()),
    };
    providers::create(&app.state, &Viewer::cli(), &input)
        .await
        .expect("create a provider")
}

/// Adds a user as the command line would (their invitation is queued).
async fn add_user(app: &TestApp, first_name: &str, email: &str, providers: &[&Provider]) -> User {
    let input = NewUser {
        first_name: first_name.into(),
        last_name: "Example".into(),
        email: email.into(),
        role: "user".into(),
        provider_ids: providers.iter().map(|p| p.id.to_string()).collect(),
        can_download_reports: false,
    };
    users::create(&app.state, &Viewer::cli(), &input)
        .await
        .expect("create a user")
}

/// An administrator signed in in a new browser.
async fn admin_browser(app: &TestApp) -> Browser {
    app.create_user("ann@example.org", Role::Admin).await;
    let browser = Browser::open().await;
    sign_in_by_link(&browser, app, "ann@example.org").await;
    browser
}

/// The text of the user card that names `name`, if the grid shows one.
async fn card_of(browser: &Browser, name: &str) -> Option<String> {
    browser
        .texts("li.card")
        .await
        .into_iter()
        .find(|card| card.lines().next() == Some(name))
}

/// The provider names on the Providers page, in alphabetical order.
async fn providers_shown(browser: &Browser) -> Vec<String> {
    let mut names = browser.texts("ul.cards .card-title").await;
    names.sort();
    names
}

#[tokio::test]
async fn an_invited_user_sees_exactly_what_the_admin_grants_until_deleted() {
    let app = TestApp::spawn().await;
    let harbour = add_provider(&app, "Harbour Legal").await;
    add_provider(&app, "Northside Housing").await;
    add_provider(&app, "Westgate Employment").await;
    let admin = admin_browser(&app).await;

    // The administrator adds Uma with two of the three providers.
    admin.follow("Users").await;
    admin.wait_for_path("/users").await;
    admin.follow("Add User").await;
    admin.wait_for_path("/users/new").await;
    admin.fill("First name", "Uma").await;
    admin.fill("Last name", "Reyes").await;
    admin.fill("Email address", "uma@example.org").await;
    admin.tick("User").await;
    admin.tick("Harbour Legal").await;
    admin.tick("Northside Housing").await;
    admin.press("Save").await;
    admin
        .wait_for_text(
            "p.notice",
            "Uma Reyes was added. An invitation is on its way to uma@example.org.",
        )
        .await;
    let card = card_of(&admin, "Uma Reyes").await.expect("Uma's card");
    assert!(card.contains("uma@example.org"), "{card}");
    assert!(card.contains("Invitation pending"), "{card}");
    assert!(card.contains("No access to reports"), "{card}");

    // Uma opens the invitation in her own browser and sees exactly those two providers.
    app.wait_for_email("uma@example.org", 1).await;
    let uma = admin.another().await;
    sign_in_by_link(&uma, &app, "uma@example.org").await;
    assert_eq!(uma.texts("nav.sidebar a").await, ["Home", "Providers"]);
    uma.follow("Providers").await;
    uma.wait_for_path("/providers").await;
    assert_eq!(
        providers_shown(&uma).await,
        ["Harbour Legal", "Northside Housing"]
    );
    assert_eq!(uma.texts("nav.sidebar a").await, ["Home", "Providers"]);

    // The administrator allows her access to reports: her next page shows Reports.
    admin.follow("Users").await;
    admin.wait_for_path("/users").await;
    admin.follow("Edit Uma Reyes").await;
    assert_eq!(admin.text("h1").await, "Edit Uma Reyes");
    admin.tick("Allow access to reports").await;
    admin.press("Save").await;
    admin
        .wait_for_text("p.notice", "The changes to Uma Reyes were saved.")
        .await;
    let card = card_of(&admin, "Uma Reyes").await.expect("Uma's card");
    assert!(card.contains("Allowed access to reports"), "{card}");
    uma.goto(&app.url("/providers")).await;
    assert_eq!(
        uma.texts("nav.sidebar a").await,
        ["Home", "Providers", "Reports"]
    );

    // The administrator removes her from Harbour Legal on its Members tab.
    admin.follow("Providers").await;
    admin.wait_for_path("/providers").await;
    admin.follow("Harbour Legal").await;
    admin
        .wait_for_path(&format!("/providers/{}", harbour.id))
        .await;
    admin.follow("Members").await;
    admin
        .wait_for_path(&format!("/providers/{}/members", harbour.id))
        .await;
    assert!(admin.text("table").await.contains("uma@example.org"));
    admin.press("Remove Uma Reyes").await;
    admin
        .wait_for_text("p.notice", "Uma Reyes was removed from Harbour Legal.")
        .await;
    let members = admin.texts("table tbody").await.concat();
    assert!(!members.contains("uma@example.org"), "{members}");
    uma.goto(&app.url("/providers")).await;
    assert_eq!(providers_shown(&uma).await, ["Northside Housing"]);

    // The administrator deletes her through the confirmation page; her next page is sign-in.
    admin.follow("Users").await;
    admin.wait_for_path("/users").await;
    admin.follow("Delete Uma Reyes").await;
    assert_eq!(admin.text("h1").await, "Delete Uma Reyes?");
    let warning = admin.text("main").await;
    assert!(warning.contains("Uma Reyes (uma@example.org)"), "{warning}");
    assert!(
        warning.contains("This action cannot be undone."),
        "{warning}"
    );
    admin.press("Delete user").await;
    admin
        .wait_for_text("p.notice", "Uma Reyes was deleted.")
        .await;
    assert_eq!(card_of(&admin, "Uma Reyes").await, None);
    uma.goto(&app.url("/providers")).await;
    uma.wait_for_path("/sign-in").await;

    uma.close().await;
    admin.close().await;
}

#[tokio::test]
async fn an_admin_downloads_sessions_csv_for_the_dates_chosen_on_the_reports_page() {
    let app = TestApp::spawn().await;
    let now = app.clock_now();
    let station = Station {
        id: StationId(Uuid::new_v4()),
        name: "Unit 1 kiosk".into(),
        token_hash: Uuid::new_v4().as_bytes().to_vec(),
        revoked_at: None,
        created_at: now,
        last_used_at: None,
    };
    let session = |started_at: time::OffsetDateTime| KioskSession {
        id: KioskSessionId(Uuid::new_v4()),
        station_id: station.id,
        started_at,
        ended_at: Some(started_at + Duration::minutes(12)),
        outcome: Some(Outcome::Completed),
        consented_at: Some(started_at + Duration::seconds(20)),
        gender: Some(Gender::Female),
        age: Some(34),
        indigenous_status: Some(IndigenousStatus::PreferNotToSay),
        client_name_sealed: None,
        categories: vec![(None, "Housing".into())],
        selections: vec![Selection {
            listing_id: None,
            provider_id: None,
            provider_name: "Northside Housing".into(),
            listing_name: "Tenancy advice".into(),
            kind: ListingKind::Information,
            slot_id: None,
            slot_starts_at: None,
            is_fallback: false,
        }],
    };
    // 2026-03-01 09:00 UTC is in the range chosen below; ten days earlier is not.
    let inside = session(now - Duration::days(1));
    let outside = session(now - Duration::days(11));
    let mut tx = app.state.store.begin().await.expect("begin");
    tx.insert_station(&station).await.expect("station");
    tx.insert_kiosk_sessions(&[inside.clone(), outside.clone()])
        .await
        .expect("sessions");
    tx.commit(NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded))
        .await
        .expect("commit");
    let admin = admin_browser(&app).await;

    admin.follow("Reports").await;
    admin.wait_for_path("/reports").await;
    admin.fill_date("From", "2026-02-25").await;
    admin.fill_date("To", "2026-03-01").await;
    admin.press("Download sessions.csv").await;
    let csv = admin.downloaded("sessions.csv").await;

    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(SESSIONS_CSV_HEADER), "{csv}");
    assert_eq!(
        lines.collect::<Vec<_>>(),
        [format!(
            "{},2026-03-01T09:00:00+00:00,2026-03-01T09:12:00+00:00,720,completed,\
             Unit 1 kiosk,female,34,prefer_not_to_say,Housing,\
             Northside Housing — Tenancy advice,,false",
            inside.id
        )],
        "only the session inside the range: {csv}"
    );
    admin.close().await;
}

#[tokio::test]
async fn every_admin_page_passes_axe_at_desktop_and_phone_width() {
    let app = TestApp::spawn().await;
    let harbour = add_provider(&app, "Harbour Legal").await;
    add_provider(&app, "Northside Housing").await;
    for (name, colour) in [("Housing", "#1f5fa8"), ("Legal help", "#5c2d91")] {
        let input = CategoryInput {
            name: Some(name.into()),
            colour: Some(colour.into()),
        };
        categories::create(&app.state, &Viewer::cli(), &input)
            .await
            .expect("create a category");
    }
    add_user(&app, "Pat", "pat@example.org", &[]).await;
    let uma = add_user(&app, "Uma", "uma@example.org", &[&harbour]).await;
    let admin = admin_browser(&app).await;
    let pages = [
        ("/users".to_owned(), "the users grid"),
        ("/users/new".to_owned(), "Add User"),
        (format!("/users/{}/edit", uma.id), "Edit user"),
        (
            format!("/users/{}/delete", uma.id),
            "the delete confirmation",
        ),
        ("/providers".to_owned(), "the providers grid"),
        (
            format!("/providers/{}", harbour.id),
            "a provider's Profile tab",
        ),
        (
            format!("/providers/{}/members", harbour.id),
            "a provider's Members tab",
        ),
        (
            format!("/providers/{}/listings", harbour.id),
            "a provider's Listings tab",
        ),
        ("/categories".to_owned(), "the categories grid"),
        ("/categories/new".to_owned(), "Add Category"),
        ("/audit".to_owned(), "the audit log"),
        ("/reports".to_owned(), "the Reports page"),
    ];

    for (path, page) in &pages {
        admin.goto(&app.url(path)).await;
        check_page(&admin, page).await;
    }
    admin.goto(&app.url("/users")).await;
    let grid = admin.text("main").await;
    assert!(grid.contains("Invitation pending"), "{grid}");
    assert!(grid.contains("Providers\nHarbour Legal"), "{grid}");

    admin.goto(&app.url("/providers/new")).await;
    admin.fill("Booking email", "not an email").await;
    admin.press("Save").await;
    admin
        .wait_for_text(".error-summary", "There is a problem")
        .await;
    assert!(!admin.text("#name-error").await.is_empty());
    assert!(!admin.text("#booking_email-error").await.is_empty());
    check_page(&admin, "Add Provider with validation errors").await;
    admin.close().await;
}
