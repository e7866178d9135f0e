//! Reports: `sessions.csv` (SPEC §7).

use crate::client::Api;
use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::listing::Station;
use domain::report::{KioskSession, ListingKind, Outcome, Selection};
use domain::{Gender, IndigenousStatus, KioskSessionId, ProviderId, Role, StationId};
use serde_json::json;
use time::macros::datetime;
use uuid::Uuid;
use wayfinder::service::reports::ReportQuery;

pub struct Fixture {
    pub legal: String,
}

fn selection(
    provider: &str,
    provider_id: &str,
    listing: &str,
    at: Option<time::OffsetDateTime>,
    fallback: bool,
) -> Selection {
    Selection {
        listing_id: None,
        provider_id: Some(provider_id.parse::<ProviderId>().unwrap()),
        provider_name: provider.into(),
        listing_name: listing.into(),
        kind: if at.is_some() {
            ListingKind::Booking
        } else {
            ListingKind::Information
        },
        slot_id: None,
        slot_starts_at: at,
        is_fallback: fallback,
    }
}

/// Three providers and four sessions, one of them outside the range used below.
pub async fn fixture(app: &TestApp, admin: &Api<'_>) -> Fixture {
    let hope = admin.create_provider("Hope House").await;
    let legal = admin.create_provider("Legal Aid").await;
    let link = admin.create_provider("Community Link").await;
    let station = Station {
        id: StationId(Uuid::from_u128(1)),
        name: "@Unit 1".into(),
        token_hash: vec![1; 32],
        revoked_at: None,
        created_at: datetime!(2026-01-01 0:00 UTC),
        last_used_at: None,
    };
    let session = |id: u128, started: time::OffsetDateTime| KioskSession {
        id: KioskSessionId(Uuid::from_u128(id)),
        station_id: station.id,
        started_at: started,
        ended_at: Some(started + time::Duration::minutes(15)),
        outcome: Some(Outcome::Completed),
        consented_at: Some(started),
        gender: Some(Gender::Male),
        age: Some(34),
        indigenous_status: Some(IndigenousStatus::NonIndigenous),
        client_name_sealed: Some(app.state.keys.seal(b"Johnny Secretname")),
        categories: vec![(None, "Housing".into()), (None, "+Legal".into())],
        selections: vec![],
    };
    let full = KioskSession {
        selections: vec![
            selection("Hope House", &hope, "Beds tonight", None, false),
            selection(
                "Legal Aid",
                &legal,
                "Advice, in person",
                Some(datetime!(2026-03-05 14:00 UTC)),
                false,
            ),
            selection("Community Link", &link, "Referral", None, true),
        ],
        ..session(0xa1, datetime!(2026-03-01 10:00 UTC))
    };
    let empty = KioskSession {
        ended_at: None,
        outcome: Some(Outcome::Abandoned),
        gender: None,
        age: None,
        indigenous_status: Some(IndigenousStatus::PreferNotToSay),
        client_name_sealed: None,
        categories: vec![],
        ..session(0xa2, datetime!(2026-03-02 08:30 UTC))
    };
    let before = session(0xa0, datetime!(2026-02-20 09:00 UTC));
    let after = session(0xa3, datetime!(2026-03-03 00:00 UTC));
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_station(&station).await.unwrap();
    tx.insert_kiosk_sessions(&[before, full, empty, after])
        .await
        .unwrap();
    tx.commit(NewAuditEvent::new(
        app.clock_now(),
        Actor::System,
        Action::DemoLoaded,
    ))
    .await
    .unwrap();
    Fixture { legal }
}

pub const HEADER: &str = "session_id,started_at,ended_at,duration_seconds,outcome,station,gender,age,indigenous_status,categories,information_listings,bookings,fallback_selected";

pub async fn download(api: &Api<'_>, query: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = api
        .client
        .get(
            api.app
                .url(&format!("/api/v1/reports/sessions.csv?{query}")),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

#[tokio::test]
async fn an_admin_downloads_every_session_in_the_range_exactly() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    fixture(&app, &admin).await;

    let (status, csv, headers) = download(&admin, "from=2026-03-01&to=2026-03-02").await;

    assert_eq!(status, 200, "{csv}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"sessions.csv\""
    );
    let expected = [
        HEADER,
        "00000000-0000-0000-0000-0000000000a1,2026-03-01T10:00:00+00:00,2026-03-01T10:15:00+00:00,900,completed,'@Unit 1,male,34,non_indigenous,Housing; +Legal,Hope House — Beds tonight; Community Link — Referral,\"Legal Aid — Advice, in person @ 2026-03-05T14:00:00+00:00\",true",
        "00000000-0000-0000-0000-0000000000a2,2026-03-02T08:30:00+00:00,,,abandoned,'@Unit 1,,,prefer_not_to_say,,,,false",
    ];
    assert_eq!(csv.lines().collect::<Vec<_>>(), expected);
    assert!(csv.ends_with("\n"));
    assert!(!csv.contains("Secretname"), "client names never appear");
}

#[tokio::test]
async fn a_user_with_report_access_gets_only_their_providers_sessions_and_selections() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let fixture = fixture(&app, &admin).await;
    let member = Api::sign_in(&app, "member@example.org", Role::User).await;
    let member_id = member.my_id().await;
    admin
        .patch(
            &format!("/api/v1/users/{member_id}"),
            json!({ "provider_ids": [fixture.legal] }),
        )
        .await;

    assert_eq!(
        download(&member, "from=2026-03-01&to=2026-03-02").await.0,
        403
    );
    admin
        .patch(
            &format!("/api/v1/users/{member_id}"),
            json!({ "can_download_reports": true }),
        )
        .await;
    let (status, csv, _) = download(&member, "from=2026-03-01&to=2026-03-02").await;

    assert_eq!(status, 200, "the grant applies on the next request");
    let expected = [
        HEADER,
        "00000000-0000-0000-0000-0000000000a1,2026-03-01T10:00:00+00:00,2026-03-01T10:15:00+00:00,900,completed,'@Unit 1,male,34,non_indigenous,Housing; +Legal,,\"Legal Aid — Advice, in person @ 2026-03-05T14:00:00+00:00\",false",
    ];
    assert_eq!(csv.lines().collect::<Vec<_>>(), expected);
    let page = member.client.get(app.url("/reports")).send().await.unwrap();
    assert_eq!(page.status(), 200);
}

#[tokio::test]
async fn a_bad_or_reversed_range_is_refused_with_a_message() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    for query in [
        "from=yesterday&to=2026-03-02",
        "to=soon",
        "from=2026-03-03",
        "from=2026-03-05&to=2026-03-01",
        "from=2026-02-30&to=2026-03-01",
    ] {
        let (status, body, _) = download(&admin, query).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body.contains("\"fields\""), "{body}");
    }
    let page = admin
        .client
        .get(app.url("/reports/sessions.csv?from=2026-03-05&to=2026-03-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    assert!(page.text().await.unwrap().contains("must not be before"));
}

#[tokio::test]
async fn every_download_is_audited_with_its_range_and_row_count() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    fixture(&app, &admin).await;

    download(&admin, "from=2026-02-01&to=2026-03-31").await;

    let mut event = serde_json::Value::Null;
    for _ in 0..100 {
        let (_, events) = admin.get("/api/v1/audit?action=report.downloaded").await;
        if events["total"] == 1 {
            event = events["items"][0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(event["actor"], "admin@example.org");
    assert_eq!(event["details"]["rows"], 4);
    assert_eq!(event["details"]["from"], "2026-02-01");
    assert_eq!(event["details"]["to"], "2026-03-31");
    assert_eq!(event["outcome"], "ok");
}

#[test]
fn a_date_range_covers_whole_days_in_the_configured_time_zone() {
    let sydney = jiff::tz::TimeZone::get("Australia/Sydney").unwrap();
    let query = ReportQuery {
        from: Some("2026-03-01".into()),
        to: Some("2026-03-01".into()),
    };
    let now = datetime!(2026-03-02 09:00 UTC);
    let (from, until) = query.range(&sydney, now).unwrap();
    // Sydney is on daylight time (UTC+11) in March.
    assert_eq!(from, datetime!(2026-02-28 13:00 UTC));
    assert_eq!(until, datetime!(2026-03-01 13:00 UTC));
    let utc = query.range(&jiff::tz::TimeZone::UTC, now).unwrap();
    assert_eq!(
        utc,
        (
            datetime!(2026-03-01 0:00 UTC),
            datetime!(2026-03-02 0:00 UTC)
        )
    );
}
