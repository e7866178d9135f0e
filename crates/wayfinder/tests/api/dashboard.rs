//! The dashboard shell: sign-in required, a sidebar that follows the role (SPEC §2).

use crate::helpers::TestApp;
use domain::Role;

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn signed_out_people_are_sent_to_the_sign_in_page() {
    let app = TestApp::spawn().await;
    let asked = [
        ("/", "/sign-in"),
        ("/providers", "/sign-in?next=%2Fproviders"),
        ("/users?page=2", "/sign-in?next=%2Fusers%3Fpage%3D2"),
        ("/audit", "/sign-in?next=%2Faudit"),
    ];
    for (path, sign_in) in asked {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()["location"], sign_in);
    }
}

#[tokio::test]
async fn an_admin_sees_every_section() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.sign_in_as("ann@example.org", Role::Admin).await;
    let (status, html) = page(&admin, &app, "/").await;
    assert_eq!(status, 200);
    for section in [
        "Providers",
        "Categories",
        "Users",
        "Reports",
        "Stations",
        "Audit",
    ] {
        assert!(html.contains(&format!(">{section}</a>")), "{section}");
    }
    for path in [
        "/providers",
        "/categories",
        "/users",
        "/reports",
        "/stations",
        "/audit",
    ] {
        assert_eq!(page(&admin, &app, path).await.0, 200, "{path}");
    }
}

#[tokio::test]
async fn a_user_sees_only_their_sections_and_is_refused_the_others() {
    let app = TestApp::spawn().await;
    let (user, _) = app.sign_in_as("bob@example.org", Role::User).await;
    let (status, html) = page(&user, &app, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains(">Providers</a>"));
    for hidden in ["Categories", "Users", "Reports", "Stations", "Audit"] {
        assert!(!html.contains(&format!(">{hidden}</a>")), "{hidden}");
    }
    for path in ["/categories", "/users", "/reports", "/stations", "/audit"] {
        assert_eq!(page(&user, &app, path).await.0, 403, "{path}");
    }
}

#[tokio::test]
async fn a_user_without_providers_is_told_whom_to_ask() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    let (user, _) = app.sign_in_as("bob@example.org", Role::User).await;
    let (_, html) = page(&user, &app, "/").await;
    assert!(
        html.contains("No provider is assigned to you yet"),
        "{html}"
    );
    assert!(html.contains("mailto:ann@example.org"), "{html}");
}

#[tokio::test]
async fn sign_out_from_the_page_ends_the_session() {
    let app = TestApp::spawn().await;
    let (client, csrf) = app.sign_in_as("ann@example.org", Role::User).await;
    let (_, html) = page(&client, &app, "/").await;
    assert!(html.contains(&format!("name=\"csrf_token\" value=\"{csrf}\"")));

    let response = client
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in?signed_out=1");
    assert_eq!(page(&client, &app, "/").await.0, 303);
}
