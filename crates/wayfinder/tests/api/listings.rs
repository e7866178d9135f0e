//! A provider's listings through the JSON API (SPEC §8.1, §12): the input rules, the fixed kind,
//! the delete guard of booked appointments, scope, category counts and the audit trail.

use crate::client::Api;
use crate::helpers::TestApp;
pub use crate::listing_fixtures::book;
use domain::Role;
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;

/// An admin, a provider, a member of it, and a category.
pub struct Setting<'a> {
    pub admin: Api<'a>,
    pub member: Api<'a>,
    pub provider: String,
    pub category: String,
}

pub async fn category(admin: &Api<'_>, name: &str) -> String {
    let (status, body) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": name, "colour": "#1f5fa8" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

pub async fn setting(app: &TestApp) -> Setting<'_> {
    let admin = Api::sign_in(app, "admin@example.org", Role::Admin).await;
    let provider = admin.create_provider("Harbour Housing").await;
    let member = Api::sign_in(app, "ann@example.org", Role::User).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/providers/{provider}/members"),
            json!({ "user_id": member.my_id().await }),
        )
        .await;
    assert_eq!(status, 201);
    let category = category(&admin, "Housing").await;
    Setting {
        admin,
        member,
        provider,
        category,
    }
}

/// Creates a listing and returns its JSON.
pub async fn create(api: &Api<'_>, provider: &str, body: Value) -> Value {
    let (status, listing) = api
        .post(&format!("/api/v1/providers/{provider}/listings"), body)
        .await;
    assert_eq!(status, 201, "{listing}");
    listing
}

fn booking(name: &str, category: &str) -> Value {
    json!({ "kind": "booking", "name": name, "category_ids": [category] })
}

#[tokio::test]
async fn a_member_creates_edits_and_deletes_listings_of_their_provider() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let body = json!({
        "kind": "information", "name": "Tenancy advice", "description": "Rights and forms",
        "eligibility_notes": "Bring ID", "category_ids": [s.category], "gender": "female",
        "min_age": 18, "max_age": 25, "indigenous": "aboriginal_or_torres_strait_islander",
    });

    let created = create(&s.member, &s.provider, body).await;

    assert_eq!(created["kind"], "information");
    assert_eq!(created["provider_id"], s.provider.as_str());
    assert_eq!(created["category_ids"], json!([s.category]));
    assert_eq!(
        (created["min_age"].clone(), created["max_age"].clone()),
        (json!(18), json!(25))
    );
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/listings/{id}");
    let (status, shown) = s.member.get(&path).await;
    assert_eq!((status, shown.clone()), (200, created.clone()));
    let (status, page) = s
        .member
        .get(&format!(
            "/api/v1/providers/{}/listings?kind=information",
            s.provider
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (page["total"].clone(), page["page"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(page["items"][0], created);
    let (_, bookings) = s
        .member
        .get(&format!(
            "/api/v1/providers/{}/listings?kind=booking",
            s.provider
        ))
        .await;
    assert_eq!(bookings["total"], 0);

    let (status, changed) = s
        .member
        .patch(
            &path,
            json!({ "name": "Tenancy help", "min_age": null, "gender": "any" }),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["name"], "Tenancy help");
    assert_eq!(changed["min_age"], Value::Null);
    assert_eq!(changed["max_age"], 25, "untouched fields keep their value");
    assert_eq!(changed["description"], "Rights and forms");

    let (status, _) = s.member.delete(&path).await;
    assert_eq!(status, 204);
    assert_eq!(s.member.get(&path).await.0, 404);
}

#[tokio::test]
async fn listing_input_is_checked_field_by_field() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let path = format!("/api/v1/providers/{}/listings", s.provider);
    let cases = [
        (
            json!({ "kind": "booking", "name": "No category", "category_ids": [] }),
            "category_ids",
        ),
        (
            json!({ "kind": "booking", "name": "Ages", "category_ids": [s.category],
                    "min_age": 30, "max_age": 20 }),
            "max_age",
        ),
        (
            json!({ "kind": "booking", "name": "Old", "category_ids": [s.category],
                    "max_age": 131 }),
            "max_age",
        ),
        (
            json!({ "kind": "booking", "name": "G", "category_ids": [s.category],
                    "gender": "other" }),
            "gender",
        ),
        (
            json!({ "kind": "booking", "name": "I", "category_ids": [s.category],
                    "indigenous": "prefer_not_to_say" }),
            "indigenous",
        ),
        (
            json!({ "kind": "both", "name": "K", "category_ids": [s.category] }),
            "kind",
        ),
        (
            json!({ "name": "No kind", "category_ids": [s.category] }),
            "kind",
        ),
        (
            json!({ "kind": "booking", "name": "x".repeat(101), "category_ids": [s.category] }),
            "name",
        ),
        (
            json!({ "kind": "booking", "name": "D", "category_ids": [s.category],
                    "description": "d".repeat(2001) }),
            "description",
        ),
        (
            json!({ "kind": "booking", "name": "E", "category_ids": [s.category],
                    "eligibility_notes": "e".repeat(2001) }),
            "eligibility_notes",
        ),
        (
            json!({ "kind": "booking", "name": "Gone", "category_ids": [Uuid::new_v4()] }),
            "category_ids",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = s.member.post(&path, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], "validation", "{answer}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field}: {answer}"
        );
    }
    let (_, page) = s.member.get(&path).await;
    assert_eq!(page["total"], 0, "nothing half-created");
    let (status, _) = s
        .member
        .post(&path, json!({ "name": "x", "colour": "red" }))
        .await;
    assert_eq!(status, 400, "unknown fields are refused");
}

#[tokio::test]
async fn the_kind_of_a_listing_is_fixed_once_created() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let listing = create(&s.member, &s.provider, booking("Intake", &s.category)).await;
    let path = format!("/api/v1/listings/{}", listing["id"].as_str().unwrap());

    let (status, answer) = s
        .member
        .patch(&path, json!({ "kind": "information" }))
        .await;

    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["error"]["fields"]["kind"]
            .as_str()
            .unwrap()
            .contains("cannot change")
    );
    assert_eq!(s.member.get(&path).await.1["kind"], "booking");
    let (status, same) = s
        .member
        .patch(&path, json!({ "kind": "booking", "name": "Intake 2" }))
        .await;
    assert_eq!((status, same["name"].clone()), (200, json!("Intake 2")));
}

#[tokio::test]
async fn a_booking_listing_with_upcoming_booked_appointments_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let listing = create(&s.member, &s.provider, booking("Intake", &s.category)).await;
    let id = listing["id"].as_str().unwrap();
    let now = app.clock_now();
    book(&app, id, now + Duration::days(2), true).await;
    book(&app, id, now - Duration::days(2), false).await;
    let path = format!("/api/v1/listings/{id}");
    let past_only = create(&s.member, &s.provider, booking("Last year", &s.category)).await;
    let past_only = past_only["id"].as_str().unwrap();
    book(&app, past_only, now - Duration::days(2), true).await;

    let (status, answer) = s.member.delete(&path).await;

    assert_eq!(status, 409, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("1 upcoming booked appointment."),
        "{message}"
    );
    assert!(message.contains("cancelled first"), "{message}");
    assert_eq!(s.member.get(&path).await.0, 200, "still there");
    let (status, answer) = s
        .member
        .delete(&format!("/api/v1/listings/{past_only}"))
        .await;
    assert_eq!(
        status, 204,
        "past appointments and free slots do not hold it: {answer}"
    );
}

#[tokio::test]
async fn listings_of_another_provider_answer_not_found() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let other = s.admin.create_provider("Elsewhere").await;
    let theirs = create(&s.admin, &other, booking("Theirs", &s.category)).await;
    let theirs = format!("/api/v1/listings/{}", theirs["id"].as_str().unwrap());
    let loner = Api::sign_in(&app, "loner@example.org", Role::User).await;
    let ours = create(&s.member, &s.provider, booking("Ours", &s.category)).await;
    let ours = format!("/api/v1/listings/{}", ours["id"].as_str().unwrap());

    let calls = |provider: &str, listing: &str| {
        vec![
            (
                "GET",
                format!("/api/v1/providers/{provider}/listings"),
                None,
            ),
            (
                "POST",
                format!("/api/v1/providers/{provider}/listings"),
                Some(booking("New", &s.category)),
            ),
            ("GET", listing.to_owned(), None),
            (
                "PATCH",
                listing.to_owned(),
                Some(json!({ "name": "Mine now" })),
            ),
            ("DELETE", listing.to_owned(), None),
        ]
    };
    for (caller, provider, listing) in [
        (&s.member, other.as_str(), theirs.as_str()),
        (&loner, s.provider.as_str(), ours.as_str()),
    ] {
        for (method, path, body) in calls(provider, listing) {
            let (status, answer) = caller.send(method, &path, body).await;
            assert_eq!(status, 404, "{method} {path}: {answer}");
        }
    }
    assert_eq!(s.admin.get(&theirs).await.1["name"], "Theirs", "untouched");
}

#[tokio::test]
async fn category_counts_are_real_and_deleting_a_category_unlinks_it() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let food = category(&s.admin, "Food").await;
    let both = json!({ "kind": "information", "name": "Both", "category_ids": [s.category, food] });
    let both = create(&s.member, &s.provider, both).await;
    create(&s.member, &s.provider, booking("Housing only", &s.category)).await;
    create(&s.member, &s.provider, booking("Food only", &food)).await;
    let (_, housing) = s
        .admin
        .get(&format!("/api/v1/categories/{}", s.category))
        .await;
    assert_eq!(housing["listing_count"], 2);
    let page = s.admin.page(&format!("/categories/{food}/delete")).await;
    assert!(page.contains("2 listings use this category"), "{page}");

    let (status, _) = s.admin.delete(&format!("/api/v1/categories/{food}")).await;

    assert_eq!(status, 204);
    let both_path = format!("/api/v1/listings/{}", both["id"].as_str().unwrap());
    assert_eq!(
        s.member.get(&both_path).await.1["category_ids"],
        json!([s.category])
    );
    let (_, audit) = s.admin.get("/api/v1/audit?action=category.deleted").await;
    assert_eq!(audit["items"][0]["details"]["listings_unlinked"], 2);
}

#[tokio::test]
async fn every_listing_change_is_audited_with_old_and_new_values() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let listing = create(&s.member, &s.provider, booking("Intake", &s.category)).await;
    let path = format!("/api/v1/listings/{}", listing["id"].as_str().unwrap());
    s.member
        .patch(&path, json!({ "name": "Intake interview", "max_age": 64 }))
        .await;
    s.member.delete(&path).await;

    let (_, created) = s.admin.get("/api/v1/audit?action=listing.created").await;
    let (_, updated) = s.admin.get("/api/v1/audit?action=listing.updated").await;
    let (_, deleted) = s.admin.get("/api/v1/audit?action=listing.deleted").await;

    let created = &created["items"][0];
    assert_eq!(created["actor"], "ann@example.org", "{created}");
    assert_eq!(created["details"]["kind"], "booking");
    assert_eq!(created["details"]["category_ids"], json!([s.category]));
    let details = &updated["items"][0]["details"];
    assert_eq!(
        details["name"],
        json!(["Intake", "Intake interview"]),
        "{details}"
    );
    assert_eq!(details["max_age"], json!([null, 64]));
    assert!(
        details.get("description").is_none(),
        "only what changed: {details}"
    );
    assert_eq!(deleted["items"][0]["details"]["name"], "Intake interview");
    assert_eq!(deleted["total"], 1);
}
