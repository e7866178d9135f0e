//! The Users section's rules (SPEC §3).

use crate::client::Api;
use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn adding_a_user_stores_the_canonical_email_and_sends_the_invitation() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let provider = admin.create_provider("Hope House").await;

    let (status, user) = admin
        .post(
            "/api/v1/users",
            json!({
                "first_name": "Ann", "last_name": "Lee", "email": "  Ann.Lee@Example.ORG ",
                "role": "user", "provider_ids": [provider], "can_download_reports": true,
            }),
        )
        .await;

    assert_eq!(status, 201, "{user}");
    assert_eq!(user["email"], "ann.lee@example.org");
    assert_eq!(user["status"], "invited");
    assert_eq!(user["provider_ids"], json!([provider]));
    assert_eq!(user["can_download_reports"], true);
    let mail = app.wait_for_email("ann.lee@example.org", 1).await;
    assert_eq!(secrets_in(&mail).0.len(), 6);
}

#[tokio::test]
async fn a_duplicate_email_in_any_case_is_refused_on_the_field_and_nothing_is_created() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    admin.create_user("ann@example.org", "user", &[]).await;
    let before = admin.get("/api/v1/users").await.1["total"].clone();

    let (status, body) = admin
        .post("/api/v1/users", json!({"first_name": "A", "last_name": "B", "email": "ANN@example.org", "role": "admin"}))
        .await;

    assert_eq!(status, 409);
    assert!(
        body["error"]["fields"]["email"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(admin.get("/api/v1/users").await.1["total"], before);
    assert_eq!(
        app.emails_to("ann@example.org").len(),
        1,
        "no second invitation"
    );
}

#[tokio::test]
async fn bad_user_input_gets_a_message_per_field() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({
                "first_name": "", "last_name": "x".repeat(101), "email": "nope", "role": "boss",
                "provider_ids": ["not-an-id"],
            }),
        )
        .await;
    assert_eq!(status, 422);
    for field in ["first_name", "last_name", "email", "role", "provider_ids"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let (status, _) = admin
        .post(
            "/api/v1/users",
            json!({"email": "a@example.org", "nickname": "x"}),
        )
        .await;
    assert_eq!(status, 400, "unknown fields");
}

#[tokio::test]
async fn an_attempt_to_change_the_email_is_refused_and_changes_nothing_else() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let id = admin.create_user("ann@example.org", "user", &[]).await;

    let (status, body) = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({ "email": "eve@example.org", "first_name": "Eve" }),
        )
        .await;

    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["fields"]["email"],
        "The email address cannot be changed."
    );
    let (_, user) = admin.get(&format!("/api/v1/users/{id}")).await;
    assert_eq!(user["email"], "ann@example.org");
    assert_eq!(user["first_name"], "Pat");

    // The page form is refused the same way.
    let form = admin
        .client
        .post(app.url(&format!("/users/{id}")))
        .form(&[
            ("csrf_token", admin.csrf.as_str()),
            ("first_name", "Eve"),
            ("last_name", "X"),
            ("role", "user"),
            ("email", "eve@example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 422);
    assert_eq!(
        admin.get(&format!("/api/v1/users/{id}")).await.1["first_name"],
        "Pat"
    );
}

#[tokio::test]
async fn edits_are_audited_with_old_and_new_values() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let id = admin.create_user("ann@example.org", "user", &[]).await;

    let (status, _) = admin
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({ "first_name": "Annie", "can_download_reports": true }),
        )
        .await;

    assert_eq!(status, 200);
    let (_, events) = admin.get("/api/v1/audit?action=user.updated").await;
    let details = &events["items"][0]["details"];
    assert_eq!(details["first_name"], json!(["Pat", "Annie"]));
    assert_eq!(details["can_download_reports"], json!([false, true]));
    assert_eq!(events["items"][0]["actor"], "admin@example.org");
    // The invitation and this notice go out side by side, in either order.
    app.wait_for_email("ann@example.org", 2).await;
    let subjects: Vec<String> = app
        .emails_to("ann@example.org")
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("reports")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn resending_an_invitation_kills_the_old_code_and_extends_it() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let id = admin.create_user("ann@example.org", "user", &[]).await;
    let (old_code, old_token) = secrets_in(&app.wait_for_email("ann@example.org", 1).await);
    app.clock.advance(Duration::hours(71));
    // Sessions last 12 hours: sign in again after the wait.
    let admin = Api::sign_in(&app, "admin2@example.org", Role::Admin).await;

    let (status, user) = admin
        .post(&format!("/api/v1/users/{id}/invitation"), json!({}))
        .await;

    assert_eq!(status, 202);
    let expires = time::OffsetDateTime::parse(
        user["invitation_expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires, app.clock_now() + Duration::hours(72));
    let (new_code, _) = secrets_in(&app.wait_for_email("ann@example.org", 2).await);
    let verify = |code: String| {
        let client = app.client();
        let url = app.url("/api/v1/auth/verify");
        async move {
            client
                .post(url)
                .json(&json!({"email": "ann@example.org", "code": code}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(verify(old_code).await, 400);
    assert_eq!(
        app.client()
            .post(app.url("/sign-in/link"))
            .form(&[("token", old_token)])
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    app.clock.advance(Duration::hours(71));
    assert_eq!(verify(new_code).await, 200);
    let admin = Api::sign_in(&app, "admin3@example.org", Role::Admin).await;
    let (status, _) = admin
        .post(&format!("/api/v1/users/{id}/invitation"), json!({}))
        .await;
    assert_eq!(status, 409, "an active account needs no invitation");
}

#[tokio::test]
async fn deleting_a_user_removes_assignments_and_sessions_at_once() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let provider = admin.create_provider("Hope House").await;
    let ann = Api::sign_in(&app, "ann@example.org", Role::User).await;
    let ann_id = ann.my_id().await;
    admin
        .post(
            &format!("/api/v1/providers/{provider}/members"),
            json!({ "user_id": ann_id }),
        )
        .await;
    assert_eq!(
        ann.get(&format!("/api/v1/providers/{provider}")).await.0,
        200
    );

    let (status, _) = admin.delete(&format!("/api/v1/users/{ann_id}")).await;

    assert_eq!(status, 204);
    assert_eq!(ann.get("/api/v1/me").await.0, 401, "the session ended");
    assert_eq!(
        admin
            .get(&format!("/api/v1/providers/{provider}/members"))
            .await
            .1["total"],
        0
    );
    assert_eq!(admin.get(&format!("/api/v1/users/{ann_id}")).await.0, 404);
    let (_, events) = admin.get("/api/v1/audit?action=user.deleted").await;
    assert_eq!(events["items"][0]["target_label"], "ann@example.org");
}

#[tokio::test]
async fn nobody_deletes_themselves_or_the_last_administrator() {
    let app = TestApp::spawn().await;
    let first = Api::sign_in(&app, "first@example.org", Role::Admin).await;
    let first_id = first.my_id().await;
    let grid = first.page("/users").await;
    assert!(grid.contains("first@example.org"));
    assert!(
        !grid.contains(&format!("/users/{first_id}/delete")),
        "no Delete on one's own card"
    );

    assert_eq!(
        first.delete(&format!("/api/v1/users/{first_id}")).await.0,
        409
    );
    let (status, body) = first
        .patch(
            &format!("/api/v1/users/{first_id}"),
            json!({ "role": "user" }),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("last administrator")
    );

    let second = Api::sign_in(&app, "second@example.org", Role::Admin).await;
    assert_eq!(
        second.delete(&format!("/api/v1/users/{first_id}")).await.0,
        204
    );
    let second_id = second.my_id().await;
    assert_eq!(
        second
            .patch(
                &format!("/api/v1/users/{second_id}"),
                json!({ "role": "user" })
            )
            .await
            .0,
        409
    );
    assert_eq!(second.get("/api/v1/me").await.1["user"]["role"], "admin");
}

#[tokio::test]
async fn a_role_change_applies_on_the_very_next_request_and_is_emailed() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let ann = Api::sign_in(&app, "ann@example.org", Role::User).await;
    let ann_id = ann.my_id().await;
    assert_eq!(ann.get("/api/v1/users").await.0, 403);

    admin
        .patch(
            &format!("/api/v1/users/{ann_id}"),
            json!({ "role": "admin" }),
        )
        .await;
    assert_eq!(ann.get("/api/v1/users").await.0, 200);
    admin
        .patch(
            &format!("/api/v1/users/{ann_id}"),
            json!({ "role": "user" }),
        )
        .await;
    assert_eq!(ann.get("/api/v1/users").await.0, 403);

    // Both role emails go out side by side, in either order.
    app.wait_for_email("ann@example.org", 4).await;
    let texts: Vec<String> = app
        .emails_to("ann@example.org")
        .into_iter()
        .map(|m| m.text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("from User to Admin")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("from Admin to User")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn the_users_grid_searches_filters_and_pages() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let provider = admin.create_provider("Hope House").await;
    for n in 0..55 {
        let providers: Vec<&str> = if n % 5 == 0 { vec![&provider] } else { vec![] };
        admin
            .create_user(
                &format!("person{n:02}@example.org"),
                if n % 11 == 0 { "admin" } else { "user" },
                &providers,
            )
            .await;
    }
    let (_, first) = admin.get("/api/v1/users").await;
    assert_eq!(first["total"], 56);
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    assert_eq!(
        admin.get("/api/v1/users?page=2").await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(admin.get("/api/v1/users?q=PERSON07").await.1["total"], 1);
    assert_eq!(admin.get("/api/v1/users?role=admin").await.1["total"], 6);
    assert_eq!(
        admin
            .get(&format!("/api/v1/users?provider_id={provider}"))
            .await
            .1["total"],
        11
    );
    assert_eq!(
        admin.get("/api/v1/users?q=%25").await.1["total"],
        0,
        "wildcards are literal"
    );
    assert_eq!(admin.get("/api/v1/users?role=boss").await.0, 422);
    let page = admin.page("/users?q=person0&page=1").await;
    assert!(
        page.contains("person03@example.org"),
        "the page shows the search"
    );
    assert!(page.contains("10 users"), "person00…person09");
}

#[tokio::test]
async fn a_grid_of_ten_thousand_users_stays_paginated_and_searchable() {
    let app = TestApp::spawn().await;
    wayfinder::demo::run(&app.state, 0, 10_000, 7)
        .await
        .unwrap();
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (_, first) = admin.get("/api/v1/users").await;
    let total = first["total"].as_i64().unwrap();
    assert_eq!(
        total,
        10_000 + 7 + 1,
        "the extra users, the demo's seven, and this admin"
    );
    assert_eq!(first["items"].as_array().unwrap().len(), 50);
    let last_page = (total + 49) / 50;
    let (_, last) = admin.get(&format!("/api/v1/users?page={last_page}")).await;
    assert_eq!(
        last["items"].as_array().unwrap().len() as i64,
        total - (last_page - 1) * 50
    );
    assert_eq!(
        admin
            .get(&format!("/api/v1/users?page={}", last_page + 1))
            .await
            .1["items"],
        json!([])
    );

    let (_, found) = admin.get("/api/v1/users?q=.4242@").await;
    assert_eq!(found["total"], 1);
    let (_, admins) = admin.get("/api/v1/users?role=admin").await;
    assert_eq!(admins["total"], 3);
    let (_, providers) = admin.get("/api/v1/providers").await;
    let provider = providers["items"][0]["id"].as_str().unwrap();
    let (_, members) = admin
        .get(&format!("/api/v1/providers/{provider}/members"))
        .await;
    let (_, filtered) = admin
        .get(&format!("/api/v1/users?provider_id={provider}"))
        .await;
    assert_eq!(filtered["total"], members["total"]);
    assert!(filtered["total"].as_i64().unwrap() > 100);

    let page = admin.page("/users?page=100").await;
    assert!(
        page.contains(&format!("Page 100 of {last_page}")),
        "the grid pages"
    );
    assert_eq!(page.matches("class=\"card user-card").count(), 50);
}
