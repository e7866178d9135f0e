//! Control characters, NUL bytes and direction overrides are refused with a field message and
//! change nothing, identically on both databases (issue: NUL gave 500s on PostgreSQL).

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::json;

#[tokio::test]
async fn nul_and_control_characters_in_provider_text_are_a_422_on_the_field() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (status, body) = admin
        .post(
            "/api/v1/providers",
            json!({ "name": "Hope", "description": "a\u{0}b", "address": "1 Main\u{0} St" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["description"].is_string());
    assert!(body["error"]["fields"]["address"].is_string());
    let (_, list) = admin.get("/api/v1/providers").await;
    assert_eq!(list["total"], 0, "nothing was created");

    let id = admin.create_provider("Hope").await;
    for (field, value) in [
        ("description", "x\u{0}"),
        ("address", "bell\u{7}"),
        ("name", "Hope\u{202E}"),
        ("name", "\u{200B}\u{200B}"),
    ] {
        let (status, body) = admin
            .patch(&format!("/api/v1/providers/{id}"), json!({ field: value }))
            .await;
        assert_eq!(status, 422, "{field} {value:?}: {body}");
        assert!(body["error"]["fields"][field].is_string(), "{field}");
    }
    let (_, provider) = admin.get(&format!("/api/v1/providers/{id}")).await;
    assert_eq!(provider["name"], "Hope");
    assert_eq!(provider["description"], "");

    let (status, provider) = admin
        .patch(
            &format!("/api/v1/providers/{id}"),
            json!({ "address": "1 Main St\nTown", "description": "Beds\tmeals" }),
        )
        .await;
    assert_eq!(status, 200, "newlines and tabs are fine in long text");
    assert_eq!(provider["address"], "1 Main St\nTown");
}

#[tokio::test]
async fn names_refuse_direction_overrides_and_invisible_text() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    for name in [
        "Ann\u{202E}nnA",
        "\u{2066}Ann\u{2069}",
        "\u{200B}\u{FEFF}",
        "A\u{0}",
    ] {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                json!({ "email": "new@example.org", "first_name": name, "last_name": "Lee", "role": "user" }),
            )
            .await;
        assert_eq!(status, 422, "{name:?}: {body}");
        assert!(body["error"]["fields"]["first_name"].is_string());
        let (status, body) = admin
            .post(
                "/api/v1/categories",
                json!({ "name": name, "colour": "#1f5fa8" }),
            )
            .await;
        assert_eq!(status, 422, "{name:?}: {body}");
        assert!(body["error"]["fields"]["name"].is_string());
    }
    let (_, users) = admin.get("/api/v1/users").await;
    assert_eq!(users["total"], 1, "only the admin exists");
}

#[tokio::test]
async fn control_characters_in_search_queries_are_a_422_and_pages_say_so() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    for path in [
        "/api/v1/users?q=%00",
        "/api/v1/users?q=a%0Ab",
        "/api/v1/audit?actor=%00",
        "/api/v1/audit.csv?actor=ad%00min",
    ] {
        let (status, body) = admin.get(path).await;
        assert_eq!(status, 422, "{path}: {body}");
        let field = if path.contains("actor") { "actor" } else { "q" };
        assert!(body["error"]["fields"][field].is_string(), "{path}: {body}");
    }
    for path in ["/users?q=%00", "/audit?actor=%00"] {
        let response = admin.client.get(app.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let html = response.text().await.unwrap();
        assert!(status < 500, "{path}: {status}");
        assert!(html.contains("control characters"), "{path}: {html}");
    }
    let (status, _) = admin.get("/api/v1/users?q=admin").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_internationalised_domain_and_its_punycode_form_are_one_account() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let new_user = |email: &str| json!({ "email": email, "first_name": "Ann", "last_name": "Lee", "role": "user" });

    let (status, user) = admin.post("/api/v1/users", new_user("Ann@Bücher.de")).await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(user["email"], "ann@xn--bcher-kva.de");
    let (status, body) = admin
        .post("/api/v1/users", new_user("ann@xn--bcher-kva.de"))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["fields"]["email"].is_string());

    let invitation = app.wait_for_email("ann@xn--bcher-kva.de", 1).await;
    assert!(invitation.text.contains("Ann"));
}
