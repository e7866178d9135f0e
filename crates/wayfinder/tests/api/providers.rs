//! Providers, members, the fallback provider and categories (SPEC §6).

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn a_provider_profile_is_validated_and_edited() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (status, body) = admin
        .post(
            "/api/v1/providers",
            json!({ "name": " ", "booking_email": "bookings", "phone": "call us" }),
        )
        .await;
    assert_eq!(status, 422);
    for field in ["name", "booking_email", "phone"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}");
    }

    let (status, provider) = admin
        .post("/api/v1/providers", json!({ "name": "Hope House", "booking_email": "Bookings@Hope.org", "phone": "+61 2 5550 0100" }))
        .await;
    assert_eq!(status, 201);
    assert_eq!(provider["booking_email"], "bookings@hope.org");
    assert_eq!(provider["is_fallback"], false);
    let id = provider["id"].as_str().unwrap();
    let (status, edited) = admin
        .patch(
            &format!("/api/v1/providers/{id}"),
            json!({ "description": "Beds and meals" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(edited["name"], "Hope House");
    assert_eq!(edited["description"], "Beds and meals");
    let (_, events) = admin.get("/api/v1/audit?action=provider.updated").await;
    assert_eq!(
        events["items"][0]["details"]["description"],
        json!(["", "Beds and meals"])
    );
}

#[tokio::test]
async fn a_member_sees_only_their_providers_and_removal_applies_at_once() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let mine = admin.create_provider("Mine").await;
    let other = admin.create_provider("Other").await;
    let ann = Api::sign_in(&app, "ann@example.org", Role::User).await;
    let ann_id = ann.my_id().await;
    admin
        .post(
            &format!("/api/v1/providers/{mine}/members"),
            json!({ "user_id": ann_id }),
        )
        .await;

    let (_, list) = ann.get("/api/v1/providers").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine.as_str());
    assert_eq!(ann.get(&format!("/api/v1/providers/{other}")).await.0, 404);
    assert_eq!(
        ann.get(&format!("/api/v1/providers/{mine}/members"))
            .await
            .1["total"],
        1
    );
    assert_eq!(
        admin
            .post(
                &format!("/api/v1/providers/{mine}/members"),
                json!({ "user_id": ann_id })
            )
            .await
            .0,
        409
    );

    let (status, _) = admin
        .delete(&format!("/api/v1/providers/{mine}/members/{ann_id}"))
        .await;

    assert_eq!(status, 204);
    assert_eq!(ann.get(&format!("/api/v1/providers/{mine}")).await.0, 404);
    assert_eq!(ann.get("/api/v1/me").await.0, 200, "the account stays");
    let page = ann.page("/").await;
    assert!(page.contains("No provider is assigned to you yet"));
}

#[tokio::test]
async fn there_is_at_most_one_fallback_provider_and_deleting_it_clears_the_setting() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let first = admin.create_provider("First").await;
    let second = admin.create_provider("Second").await;
    let is_fallback = |id: String| {
        let admin = &admin;
        async move { admin.get(&format!("/api/v1/providers/{id}")).await.1["is_fallback"].clone() }
    };

    assert_eq!(
        admin
            .put(
                "/api/v1/settings/fallback-provider",
                json!({ "provider_id": first })
            )
            .await
            .0,
        200
    );
    assert_eq!(is_fallback(first.clone()).await, true);
    admin
        .put(
            "/api/v1/settings/fallback-provider",
            json!({ "provider_id": second }),
        )
        .await;
    assert_eq!(is_fallback(first.clone()).await, false);
    assert_eq!(is_fallback(second.clone()).await, true);

    assert_eq!(
        admin.delete(&format!("/api/v1/providers/{second}")).await.0,
        204
    );
    let (_, list) = admin.get("/api/v1/providers").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["is_fallback"] == false)
    );

    admin
        .put(
            "/api/v1/settings/fallback-provider",
            json!({ "provider_id": first }),
        )
        .await;
    let (status, body) = admin
        .put(
            "/api/v1/settings/fallback-provider",
            json!({ "provider_id": null }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["provider_id"], serde_json::Value::Null);
    assert_eq!(is_fallback(first.clone()).await, false);
    let unknown = admin
        .put(
            "/api/v1/settings/fallback-provider",
            json!({ "provider_id": uuid_like() }),
        )
        .await;
    assert_eq!(unknown.0, 422);
}

fn uuid_like() -> String {
    "00000000-0000-4000-8000-000000000000".into()
}

#[tokio::test]
async fn category_names_are_unique_in_any_case_and_colours_are_hex() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let (status, housing) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Housing", "colour": "#1F5FA8" }),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(housing["colour"], "#1f5fa8");
    assert_eq!(housing["listing_count"], 0);

    let (status, clash) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "HOUSING", "colour": "#000000" }),
        )
        .await;
    assert_eq!(status, 409);
    assert!(clash["error"]["fields"]["name"].is_string());
    let (status, bad) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Health", "colour": "red" }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(bad["error"]["fields"]["colour"].is_string());

    let id = housing["id"].as_str().unwrap();
    let (status, renamed) = admin
        .patch(
            &format!("/api/v1/categories/{id}"),
            json!({ "name": "Housing and shelter", "colour": "#0b6e4f" }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(renamed["name"], "Housing and shelter");
    let (_, events) = admin.get("/api/v1/audit?action=category.updated").await;
    assert_eq!(
        events["items"][0]["details"]["colour"],
        json!(["#1f5fa8", "#0b6e4f"])
    );
    assert_eq!(
        admin.delete(&format!("/api/v1/categories/{id}")).await.0,
        204
    );
    assert_eq!(admin.get("/api/v1/categories").await.1["total"], 0);
}

#[tokio::test]
async fn the_audit_log_filters_and_exports_csv_and_records_the_export() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    admin
        .post(
            "/api/v1/categories",
            json!({ "name": "=HYPERLINK(\"x\")", "colour": "#123456" }),
        )
        .await;

    let (_, created) = admin.get("/api/v1/audit?action=category.created").await;
    assert_eq!(created["total"], 1);
    assert_eq!(admin.get("/api/v1/audit?actor=nobody").await.1["total"], 0);
    assert_eq!(
        admin.get("/api/v1/audit?from=2026-03-03").await.1["total"],
        0,
        "the clock says 2 March"
    );
    assert!(
        admin
            .get("/api/v1/audit?from=2026-03-02&to=2026-03-02")
            .await
            .1["total"]
            .as_i64()
            .unwrap()
            > 3
    );
    assert_eq!(
        admin
            .get("/api/v1/audit?from=2026-03-05&to=2026-03-01")
            .await
            .0,
        422
    );
    assert_eq!(admin.get("/api/v1/audit?from=yesterday").await.0, 422);

    let response = admin
        .client
        .get(app.url("/api/v1/audit.csv?action=category.created"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "seq,at,actor,action,target_kind,target_id,target_label,outcome,ip,details"
    );
    let row = lines.next().unwrap();
    assert!(row.contains(",\"'=HYPERLINK"), "formula neutralised: {row}");
    assert_eq!(
        admin.get("/api/v1/audit?action=audit.exported").await.1["total"],
        1
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let (status, doc) = Api::anonymous(&app).get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/providers/{id}/members",
        "/api/v1/categories",
        "/api/v1/audit.csv",
        "/api/v1/auth/verify",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["UserView"].is_object());
}
