//! The first administrator through the one-time setup link (SPEC §12).

use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use time::Duration;
use wayfinder::service::setup;

fn token_of(link: &str) -> String {
    link.split_once("token=").unwrap().1.to_owned()
}

async fn submit(app: &TestApp, token: &str, email: &str) -> reqwest::Response {
    app.client()
        .post(app.url("/setup"))
        .form(&[
            ("token", token),
            ("first_name", "Ann"),
            ("last_name", "Admin"),
            ("email", email),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let link = setup::issue_link_if_needed(&app.state)
        .await
        .unwrap()
        .expect("a link");
    assert!(link.starts_with(&format!("{}/setup?token=", app.address)));
    let token = token_of(&link);
    let form = app.client().get(&link).send().await.unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("Create administrator"));

    let done = submit(&app, &token, "Ann@Example.org").await;

    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("ann@example.org"));
    let user = app
        .state
        .store
        .user_by_email(&"ann@example.org".parse_email())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Admin);
    let (code, _) = secrets_in(&app.wait_for_email("ann@example.org", 1).await);
    assert_eq!(code.len(), 6);
    assert_eq!(submit(&app, &token, "eve@example.org").await.status(), 400);
    assert!(
        app.state
            .store
            .user_by_email(&"eve@example.org".parse_email())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        setup::issue_link_if_needed(&app.state)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn bad_setup_input_keeps_the_link_usable() {
    let app = TestApp::spawn().await;
    let token = token_of(
        &setup::issue_link_if_needed(&app.state)
            .await
            .unwrap()
            .unwrap(),
    );

    let bad = submit(&app, &token, "not-an-email").await;

    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("id=\"email-error\""));
    assert_eq!(app.state.store.count_admins().await.unwrap(), 0);
    assert_eq!(submit(&app, &token, "ann@example.org").await.status(), 200);
}

#[tokio::test]
async fn a_setup_link_expires_after_an_hour_and_a_newer_one_replaces_it() {
    let app = TestApp::spawn().await;
    let first = token_of(
        &setup::issue_link_if_needed(&app.state)
            .await
            .unwrap()
            .unwrap(),
    );
    let second = token_of(
        &setup::issue_link_if_needed(&app.state)
            .await
            .unwrap()
            .unwrap(),
    );
    assert_eq!(
        submit(&app, &first, "ann@example.org").await.status(),
        400,
        "replaced"
    );

    app.clock.advance(Duration::hours(1) + Duration::seconds(1));

    assert_eq!(
        app.client()
            .get(app.url(&format!("/setup?token={second}")))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(submit(&app, &second, "ann@example.org").await.status(), 400);
    assert_eq!(app.state.store.count_admins().await.unwrap(), 0);
}

trait ParseEmail {
    fn parse_email(&self) -> domain::EmailAddress;
}

impl ParseEmail for str {
    fn parse_email(&self) -> domain::EmailAddress {
        domain::EmailAddress::parse(self).unwrap()
    }
}
