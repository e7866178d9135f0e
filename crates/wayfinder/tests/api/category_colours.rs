//! Category colours (issue 12): a new colour must carry the kiosk card's white text at WCAG AA;
//! a colour stored before the check keeps working, with a warning; the form offers the palette
//! drawn as the kiosk's cards.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::listing_pages::post_form;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{Category, CategoryId, Role};
use serde_json::json;

#[tokio::test]
async fn a_colour_too_light_for_the_cards_white_text_is_refused_on_the_api_and_the_form() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let (status, body) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Housing", "colour": "#ffdd00" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["fields"]["colour"].as_str().unwrap();
    assert!(message.contains("contrast of 1.3:1"), "{message}");

    let form = [("name", "Housing"), ("colour", "#ffdd00")];
    let (status, _, page) = post_form(&admin, "/categories", &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("contrast of 1.3:1"), "{page}");
    assert!(page.contains("value=\"Housing\""), "what was typed is kept");
    assert_eq!(admin.get("/api/v1/categories").await.1["total"], 0);

    let (status, made) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": "Housing", "colour": "#1c2f5e" }),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().unwrap();
    let (status, _) = admin
        .patch(
            &format!("/api/v1/categories/{id}"),
            json!({ "colour": "#abcdef" }),
        )
        .await;
    assert_eq!(status, 422, "a change to a light colour is refused too");
}

#[tokio::test]
async fn the_form_offers_the_palette_as_kiosk_cards_showing_the_name() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let page = admin.page("/categories/new").await;

    assert_eq!(
        page.matches("type=\"radio\" name=\"colour\"").count(),
        domain::colour::PALETTE.len()
    );
    assert!(
        page.contains("value=\"#1f5fa8\" checked"),
        "Blue is chosen for a new category"
    );
    assert!(page.contains("<span class=\"palette-name\">Navy</span>"));
    assert_eq!(
        page.matches("class=\"category-card preview-card card-text-white\"")
            .count(),
        10
    );
}

#[tokio::test]
async fn a_light_colour_stored_before_the_check_keeps_working_with_a_warning() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let now = app.clock_now();
    let old = Category {
        id: CategoryId::new(),
        name: "Food".into(),
        colour: "#ffdd00".into(),
        created_at: now,
        updated_at: now,
    };
    let mut tx = app.state.store.begin().await.unwrap();
    tx.insert_category(&old).await.unwrap();
    tx.commit(NewAuditEvent::new(now, Actor::System, Action::DemoLoaded))
        .await
        .unwrap();
    let id = old.id.to_string();

    let (status, renamed) = admin
        .patch(
            &format!("/api/v1/categories/{id}"),
            json!({ "name": "Food and meals" }),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["colour"], "#ffdd00");
    let form = admin.page(&format!("/categories/{id}")).await;
    assert!(form.contains("Current colour (#ffdd00)"), "{form}");
    assert!(form.contains("value=\"#ffdd00\" checked"));
    assert!(form.contains("too light for white text"));
    assert!(
        form.contains("category-card preview-card card-text-dark"),
        "dark text keeps it readable"
    );
    let fields = [("name", "Food and meals"), ("colour", "#ffdd00")];
    let (status, location, _) = post_form(&admin, &format!("/categories/{id}"), &fields).await;
    assert_eq!((status, location.starts_with("/categories")), (303, true));
    let index = admin.page("/categories").await;
    assert!(index.contains("Too light for white text"), "{index}");
}
