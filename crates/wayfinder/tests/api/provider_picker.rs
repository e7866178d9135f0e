//! The Users pages stay small however many providers there are: pickers load what they show.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{Provider, ProviderId, Role};

const PROVIDERS: usize = 2_000;

async fn directory_of_many_providers(app: &TestApp) {
    let now = app.clock_now();
    let mut tx = app.state.store.begin().await.unwrap();
    for n in 0..PROVIDERS {
        let provider = Provider {
            id: ProviderId::new(),
            name: format!("Service {n:04}"),
            description: String::new(),
            booking_email: String::new(),
            contact_email: String::new(),
            phone: String::new(),
            address: String::new(),
            is_fallback: false,
            created_at: now,
            updated_at: now,
        };
        tx.insert_provider(&provider).await.unwrap();
    }
    tx.commit(NewAuditEvent::new(now, Actor::Cli, Action::DemoLoaded))
        .await
        .unwrap();
}

#[tokio::test]
async fn users_pages_show_a_bounded_provider_picker_in_a_large_directory() {
    let app = TestApp::spawn().await;
    directory_of_many_providers(&app).await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let grid = admin.page("/users").await;
    let form = admin.page("/users/new").await;
    let home = admin.page("/").await;

    assert_eq!(
        grid.matches("<option value=\"Service").count(),
        50,
        "suggestions"
    );
    assert!(grid.len() < 40_000, "users page is {} bytes", grid.len());
    assert_eq!(form.matches("name=\"provider_ids\"").count(), 50);
    assert!(
        form.contains(&format!("of {PROVIDERS} providers")),
        "{form}"
    );
    assert!(form.len() < 40_000, "form is {} bytes", form.len());
    assert_eq!(home.matches("<li class=\"card card-link\">").count(), 12);
    assert!(home.contains(&format!("See all {PROVIDERS} providers")));
}

#[tokio::test]
async fn the_provider_filter_and_picker_find_providers_by_name() {
    let app = TestApp::spawn().await;
    directory_of_many_providers(&app).await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let (_, found) = admin.get("/api/v1/providers?page=40").await;
    let late = found["items"][0].clone();
    let (late_id, late_name) = (late["id"].as_str().unwrap(), late["name"].as_str().unwrap());
    admin
        .create_user("ann@example.org", "user", &[late_id])
        .await;

    let filtered = admin
        .page(&format!("/users?provider={}", late_name.to_lowercase()))
        .await;
    let ambiguous = admin.page("/users?provider=Service%201").await;
    let picked = admin
        .client
        .post(app.url("/users"))
        .form(&[
            ("csrf_token", admin.csrf.as_str()),
            ("first_name", "Bo"),
            ("last_name", "Lee"),
            ("email", "bo@example.org"),
            ("role", "user"),
            ("provider_search", late_name),
            ("find", "1"),
        ])
        .send()
        .await
        .unwrap();

    assert!(filtered.contains("ann@example.org"), "{filtered}");
    assert!(filtered.contains("1 user<"), "only ann");
    assert!(ambiguous.contains("providers match"), "{ambiguous}");
    assert_eq!(picked.status(), 200);
    let picked = picked.text().await.unwrap();
    assert!(
        picked.contains(&format!("value=\"{late_id}\"")),
        "the match is offered"
    );
    assert!(picked.contains("value=\"Bo\""), "what was typed stays");
    let (_, users) = admin.get("/api/v1/users?q=bo@").await;
    assert_eq!(users["total"], 0, "finding providers saves nothing");
}
