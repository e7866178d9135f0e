//! A failure inside a handler is drawn in the signed-in layout like every other error page, and
//! the bad-address page leads back to the page that was asked for (issue 12 item 3).

use crate::client::Api;
use crate::helpers::TestApp;
use axum::Router;
use axum::routing::get;
use domain::Role;

/// A handler that fails the hard way.
async fn boom() -> &'static str {
    panic!("a handler failed on purpose")
}

/// Serves a route that panics, at `/boom` and `/api/v1/boom`, behind the application's own
/// layers and on its state (so its sessions are signed in there too); returns its base URL.
async fn failing_server(app: &TestApp) -> String {
    let routes = Router::new()
        .route("/boom", get(boom))
        .route("/api/v1/boom", get(boom));
    let router = wayfinder::http::layered(app.state.clone(), routes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = wayfinder::config::ServerLimits::default();
    tokio::spawn(wayfinder::server::run(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    // Cookies are kept per host, not per port: a signed-in client is signed in here as well.
    format!("http://{address}")
}

/// The status, the `x-request-id` header and the body of a GET.
async fn get_page(client: &reqwest::Client, url: &str) -> (u16, String, String) {
    let response = client.get(url).send().await.unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    (
        response.status().as_u16(),
        id,
        response.text().await.unwrap(),
    )
}

const SIDEBAR: &str = r#"<nav class="sidebar" id="nav" aria-label="Sections""#;

#[tokio::test]
async fn a_panic_on_a_signed_in_page_is_drawn_in_the_layout_with_its_request_id() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let base = failing_server(&app).await;

    let (status, id, page) = get_page(&admin.client, &format!("{base}/boom")).await;
    let (anonymous_status, anonymous_id, anonymous) =
        get_page(&app.client(), &format!("{base}/boom")).await;
    let (api_status, _, api) = get_page(&admin.client, &format!("{base}/api/v1/boom")).await;

    assert_eq!(status, 500, "{page}");
    assert!(
        page.contains(SIDEBAR) && page.contains("Sign out"),
        "{page}"
    );
    assert!(page.contains("<h1>Something went wrong</h1>"), "{page}");
    assert!(page.contains(&format!("<code>{id}</code>")), "{id}: {page}");
    assert!(!page.contains("on purpose"), "the cause stays in the log");
    assert_eq!(anonymous_status, 500);
    assert!(!anonymous.contains(SIDEBAR), "{anonymous}");
    assert!(
        anonymous.contains(&format!("<code>{anonymous_id}</code>")),
        "{anonymous}"
    );
    assert_eq!(api_status, 500);
    let api: serde_json::Value = serde_json::from_str(&api).expect("the API answers JSON");
    assert_eq!(api["error"]["code"], "internal");
}

/// Where the page's one button leads.
fn button_href(page: &str) -> &str {
    let start = page
        .find("<a class=\"button\" href=\"")
        .unwrap_or_else(|| panic!("no button in {page}"))
        + 24;
    let end = page[start..].find('"').unwrap() + start;
    &page[start..end]
}

#[tokio::test]
async fn the_bad_address_page_leads_to_the_same_page_without_its_query() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let provider = admin.create_provider("Harbour Housing").await;
    let members = format!("/providers/{provider}/members");

    let users = admin.page("/users?page=abc&q=ann").await;
    let provider_members = admin.page(&format!("{members}?page=abc")).await;
    let public = Api::anonymous(&app)
        .page("/sign-in/code?email=a&email=b")
        .await;

    assert!(users.contains(SIDEBAR), "{users}");
    assert_eq!(button_href(&users), "/users", "{users}");
    assert!(
        users.contains(">Open the page from the start</a>"),
        "{users}"
    );
    assert_eq!(
        button_href(&provider_members),
        members,
        "{provider_members}"
    );
    assert_eq!(button_href(&public), "/sign-in/code", "{public}");
}
