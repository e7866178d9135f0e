//! People never see developer output, errors stay inside the layout, and sign-in lands on the
//! page first asked for (issue 12, items 2, 3 and 8).

use crate::client::Api;
use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use serde_json::json;

/// Queries a person could end up with by editing an address or following an old link.
const BAD_QUERIES: [&str; 10] = [
    "page=abc",
    "page=99999999999999999999999",
    "page=9223372036854775807",
    "page=-3",
    "page=1&page=2",
    "role=x&status=nobody&kind=zzz",
    "from=nonsense&to=2026-13-45",
    "day=someday&notice=%FF%FE",
    "q=%00%0A&provider_id=not-an-id&provider=%2F%2F",
    "token=&email=&sent=1&sent=2",
];

fn is_a(response: &reqwest::Response, media_type: &str) -> bool {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(media_type))
}

#[tokio::test]
async fn no_page_route_answers_json_or_a_500_to_a_bad_query() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let provider = admin.create_provider("Harbour Housing").await;
    let pages: Vec<_> = wayfinder::http::route_table()
        .into_iter()
        .filter(|r| r.method == "GET" && !r.path.starts_with("/static/") && r.path != "/healthz")
        .collect();
    assert!(pages.len() > 20, "the sweep sees the route table");
    for route in pages {
        let path = route
            .path
            .replace("{kind}", "booking")
            .replace("{id}", &provider);
        for query in BAD_QUERIES {
            let url = app.url(&format!("{path}?{query}"));
            let response = admin.client.get(&url).send().await.unwrap();
            let status = response.status().as_u16();
            assert_ne!(status, 500, "{path}?{query}");
            // A redirect, or a download whose query holds only parts it does not use.
            if status == 303 {
                continue;
            }
            // A download answers its file (the query is read or ignored), never JSON.
            let download = path.ends_with(".csv") && is_a(&response, "text/csv");
            assert!(
                is_a(&response, "text/html") || download,
                "{path}?{query}: {:?}",
                response.headers()
            );
            let body = response.text().await.unwrap();
            assert!(
                !body.trim_start().starts_with('{'),
                "{path}?{query}: {body}"
            );
            assert!(
                !body.contains("Failed to deserialize"),
                "{path}?{query}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn a_bad_query_names_the_part_of_the_address_that_is_wrong_inside_the_layout() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let response = admin
        .client
        .get(app.url("/users?page=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(is_a(&response, "text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("called \u{201c}page\u{201d}"), "{html}");
    assert!(html.contains(r#"aria-label="Sections""#) && html.contains("Sign out"));
}

#[tokio::test]
async fn signed_in_404_and_403_pages_keep_the_sidebar_and_sign_out() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let user = Api::sign_in(&app, "bob@example.org", Role::User).await;
    for (who, path, status, title) in [
        (&admin, "/no-such-page", 404, "Page not found"),
        (&admin, "/providers/not-an-id", 404, "Page not found"),
        (&user, "/users", 403, "Not allowed"),
        (&user, "/audit", 403, "Not allowed"),
    ] {
        let response = who.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{path}: {html}"
        );
        assert!(
            html.contains(r#"<nav class="sidebar" id="nav" aria-label="Sections""#),
            "{path}"
        );
        assert!(html.contains(">Sign out</button>"), "{path}");
    }
    // Someone not signed in still gets the plain page.
    let html = app
        .client()
        .get(app.url("/healthz/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 404);
    assert!(!html.text().await.unwrap().contains("Sign out"));
}

async fn post_form(api: &Api<'_>, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    api.client
        .post(api.app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stale_form_token_saves_nothing_says_why_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let message = "This page was open too long; your changes were not saved. Try again.";
    let typed = [
        ("csrf_token", "from-an-old-session"),
        ("name", "Harbour Housing"),
    ];
    let response = post_form(&admin, "/providers", &typed).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains(message), "{html}");
    assert!(html.contains(r#"value="Harbour Housing""#), "{html}");
    assert!(html.contains(&format!(r#"name="csrf_token" value="{}""#, admin.csrf)));
    let (_, providers) = admin.get("/api/v1/providers").await;
    assert_eq!(providers["total"], 0, "{providers}");

    let typed = [
        ("first_name", "Mia"),
        ("last_name", "Tran"),
        ("email", "mia.tran@example.org"),
        ("role", "user"),
    ];
    let html = post_form(&admin, "/users", &typed)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(message), "{html}");
    for value in ["Mia", "Tran", "mia.tran@example.org"] {
        assert!(html.contains(&format!(r#"value="{value}""#)), "{value}");
    }
    let typed = [("name", "Housing"), ("colour", "#225588")];
    let html = post_form(&admin, "/categories", &typed)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(message) && html.contains(r#"value="Housing""#),
        "{html}"
    );
    let (_, users) = admin.get("/api/v1/users").await;
    assert_eq!(users["total"], 1, "only the admin: {users}");

    // A form that is not shown again still says why, and does nothing.
    let me = admin.my_id().await;
    let response = post_form(&admin, &format!("/users/{me}/delete"), &[]).await;
    assert_eq!(response.status(), 403);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(message) && html.contains(">Sign out</button>"),
        "{html}"
    );
    assert_eq!(admin.get("/api/v1/me").await.0, 200);
}

/// Follows a signed-out visit to `path` through the sign-in page and the code it emails.
async fn sign_in_by_code_from(app: &TestApp, email: &str, path: &str) -> String {
    app.create_user(email, Role::Admin).await;
    let client = app.client();
    let asked = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(asked.status(), 303);
    let sign_in = asked.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        client.get(app.url(&sign_in)).send().await.unwrap().status(),
        200
    );
    let before = app.emails_to(email).len();
    let form = [("email", email)];
    let requested = client
        .post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(requested.status(), 303);
    let (code, _) = secrets_in(&app.wait_for_email(email, before + 1).await);
    let form = [("email", email), ("code", code.as_str())];
    let verified = client
        .post(app.url("/sign-in/code"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 303);
    verified.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn signing_in_by_code_lands_on_the_page_first_asked_for() {
    let app = TestApp::spawn().await;
    let landed = sign_in_by_code_from(&app, "ann@example.org", "/users?role=admin&page=1").await;
    assert_eq!(landed, "/users?role=admin&page=1");
    let landed = sign_in_by_code_from(&app, "bob@example.org", "/").await;
    assert_eq!(landed, "/");
}

#[tokio::test]
async fn signing_in_by_link_lands_on_the_page_first_asked_for() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let client = app.client();
    let asked = client
        .get(app.url("/audit?action=sign_out"))
        .send()
        .await
        .unwrap();
    let sign_in = asked.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(sign_in, "/sign-in?next=%2Faudit%3Faction%3Dsign_out");
    client.get(app.url(&sign_in)).send().await.unwrap();
    let (_, token) = app.request_code(&client, "ann@example.org").await;
    let form = [("token", token.as_str())];
    let confirmed = client
        .post(app.url("/sign-in/link"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    assert_eq!(confirmed.headers()["location"], "/audit?action=sign_out");
}

#[tokio::test]
async fn a_next_that_leads_off_the_site_is_ignored_and_sign_in_lands_on_home() {
    let app = TestApp::spawn().await;
    let evil = [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%0D%0ALocation:%20https://evil.example",
    ];
    for (i, next) in evil.iter().enumerate() {
        let email = format!("person{i}@example.org");
        app.create_user(&email, Role::User).await;
        let client = app.client();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", next)
            .finish();
        let page = client
            .get(app.url(&format!("/sign-in?{query}")))
            .send()
            .await
            .unwrap();
        assert!(
            page.headers().get("set-cookie").is_none(),
            "{next} was remembered"
        );
        let (code, _) = app.request_code(&client, &email).await;
        let form = [("email", email.as_str()), ("code", code.as_str())];
        let verified = client
            .post(app.url("/sign-in/code"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(verified.headers()["location"], "/", "{next}");
    }
}

#[tokio::test]
async fn the_sign_in_page_says_you_have_signed_out_after_sign_out() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let form = [("csrf_token", admin.csrf.as_str())];
    let out = post_form(&admin, "/sign-out", &form).await;
    let location = out.headers()["location"].to_str().unwrap().to_owned();
    let html = admin.client.get(app.url(&location)).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains(r#"<p class="notice" role="status">You have signed out.</p>"#));
    assert!(
        !app.client()
            .get(app.url("/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("You have signed out.")
    );
}

#[tokio::test]
async fn the_audit_page_tells_each_event_in_a_sentence_with_friendly_action_names() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    admin.create_provider("Harbour Housing").await;
    let jordan = admin
        .create_user("jordan.lee@example.org", "user", &[])
        .await;
    let change = json!({ "first_name": "Jordan", "last_name": "Lee", "role": "admin" });
    let (status, body) = admin
        .patch(&format!("/api/v1/users/{jordan}"), change)
        .await;
    assert_eq!(status, 200, "{body}");
    let html = admin.page("/audit").await;
    for sentence in [
        "Test Admin signed in with a code",
        "Test Admin added Harbour Housing",
        "Test Admin added Jordan Lee",
        "Test Admin changed Jordan Lee&#39;s role from User to Admin",
    ] {
        assert!(html.contains(sentence), "{sentence} in {html}");
    }
    assert!(html.contains(r#"<option value="sign_in.succeeded">Signed in</option>"#));
    assert!(
        !html.contains("{&quot;") && !html.contains("<code>{"),
        "no raw JSON: {html}"
    );
}
