//! The listings tabs and the listing form as pages: the original's words, chips and plain-word
//! filters, creating through the form, errors next to the fields with the typed text kept, and
//! the delete confirmation with its guard.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::listings::{category, create, setting};
use domain::Role;
use serde_json::json;

/// Posts a form as the signed-in client; returns the status, the location and the page.
pub async fn post_form(
    api: &Api<'_>,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let mut form = vec![("csrf_token", api.csrf.as_str())];
    form.extend_from_slice(fields);
    let response = api
        .client
        .post(api.app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, response.text().await.unwrap())
}

#[tokio::test]
async fn the_listings_tabs_show_each_kind_with_chips_and_plain_word_filters() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let food = category(&s.admin, "Food").await;
    let body = json!({
        "kind": "information", "name": "Women's shelter", "category_ids": [s.category, food],
        "gender": "female", "min_age": 18, "max_age": 25,
        "indigenous": "aboriginal_or_torres_strait_islander",
    });
    create(&s.member, &s.provider, body).await;
    let booking = json!({ "kind": "booking", "name": "Intake", "category_ids": [food],
        "min_age": 18 });
    create(&s.member, &s.provider, booking).await;

    let info = s
        .member
        .page(&format!("/providers/{}/listings/information", s.provider))
        .await;
    let bookings = s
        .member
        .page(&format!("/providers/{}/listings/booking", s.provider))
        .await;

    for tab in ["Information Listings", "Booking Listings", "New Listing"] {
        assert!(info.contains(tab), "{tab}: {info}");
    }
    assert!(
        info.contains("Women&#39;s shelter") || info.contains("Women&#x27;s shelter"),
        "{info}"
    );
    assert!(
        info.contains("Women only · Ages 18–25 · Aboriginal or Torres Strait Islander clients"),
        "{info}"
    );
    assert!(info.contains("class=\"chip\""), "{info}");
    assert!(
        info.contains(">Housing</li>") && info.contains(">Food</li>"),
        "{info}"
    );
    assert!(
        !info.contains("Intake"),
        "the booking listing is on the other tab"
    );
    assert!(
        bookings.contains("Intake") && bookings.contains("Ages 18 and over"),
        "{bookings}"
    );
    let old = s.member.page(&format!("/providers/{}", s.provider)).await;
    assert!(!old.contains("not manage them yet"), "{old}");
}

#[tokio::test]
async fn a_member_creates_a_booking_listing_through_the_form() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let food = category(&s.admin, "Food").await;
    let form_path = format!("/providers/{}/listings/booking/new", s.provider);
    let form = s.member.page(&form_path).await;
    assert!(
        form.contains("New Booking Listing") && form.contains("Create Listing"),
        "{form}"
    );
    let info_form = s
        .member
        .page(&format!(
            "/providers/{}/listings/information/new",
            s.provider
        ))
        .await;
    assert!(info_form.contains("New Information Listing"), "{info_form}");

    let (status, location, _) = post_form(
        &s.member,
        &format!("/providers/{}/listings/booking", s.provider),
        &[
            ("name", "Intake interview"),
            ("category_ids", &s.category),
            ("category_ids", &food),
            ("gender", "male"),
            ("min_age", ""),
            ("max_age", "64"),
            ("indigenous", "any"),
        ],
    )
    .await;

    assert_eq!(status, 303);
    assert_eq!(
        location,
        format!("/providers/{}/listings/booking", s.provider)
    );
    let (_, page) = s
        .member
        .get(&format!(
            "/api/v1/providers/{}/listings?kind=booking",
            s.provider
        ))
        .await;
    let listing = &page["items"][0];
    assert_eq!(listing["name"], "Intake interview");
    assert_eq!(listing["category_ids"].as_array().unwrap().len(), 2);
    assert_eq!(
        (listing["gender"].clone(), listing["max_age"].clone()),
        (json!("male"), json!(64))
    );
    let tab = s.member.page(&location).await;
    assert!(
        tab.contains("Intake interview was added.") && tab.contains("Men only · Ages 64 and under"),
        "{tab}"
    );
}

#[tokio::test]
async fn the_form_shows_errors_at_their_fields_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;

    let (status, _, page) = post_form(
        &s.member,
        &format!("/providers/{}/listings/information", s.provider),
        &[
            ("name", "Tenancy <advice>"),
            ("description", "Typed text stays"),
            ("min_age", "40"),
            ("max_age", "30"),
            ("gender", "robot"),
        ],
    )
    .await;

    assert_eq!(status, 422, "{page}");
    assert!(page.contains("There is a problem"), "{page}");
    assert!(
        page.contains("id=\"category_ids-error\">Choose at least one category."),
        "{page}"
    );
    assert!(
        page.contains("id=\"max_age-error\">The maximum age must be at least the minimum age."),
        "{page}"
    );
    assert!(page.contains("id=\"gender-error\""), "{page}");
    assert!(
        page.contains("value=\"Tenancy &#60;advice&#62;\""),
        "escaped and kept: {page}"
    );
    assert!(
        page.contains(">Typed text stays</textarea>") && page.contains("value=\"40\""),
        "{page}"
    );
    let (_, listed) = s
        .member
        .get(&format!("/api/v1/providers/{}/listings", s.provider))
        .await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn editing_and_deleting_through_the_pages_keeps_the_kind_and_asks_first() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let listing = json!({ "kind": "information", "name": "Advice", "category_ids": [s.category] });
    let id = create(&s.member, &s.provider, listing).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let edit = s.member.page(&format!("/listings/{id}")).await;
    assert!(
        edit.contains("value=\"Advice\"") && edit.contains("checked"),
        "{edit}"
    );

    let (status, location, _) = post_form(
        &s.member,
        &format!("/listings/{id}"),
        &[
            ("name", "Legal advice"),
            ("category_ids", &s.category),
            ("kind", "booking"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.contains("/listings/information")),
        (303, true),
        "{location}"
    );
    let (_, now) = s.member.get(&format!("/api/v1/listings/{id}")).await;
    assert_eq!(
        (now["name"].clone(), now["kind"].clone()),
        (json!("Legal advice"), json!("information"))
    );

    let confirm = s.member.page(&format!("/listings/{id}/delete")).await;
    assert!(
        confirm.contains("Delete Legal advice?") && confirm.contains("Delete listing"),
        "{confirm}"
    );
    let (status, location, _) = post_form(&s.member, &format!("/listings/{id}/delete"), &[]).await;
    assert_eq!(status, 303);
    assert!(location.ends_with("/listings/information"), "{location}");
    assert_eq!(s.member.get(&format!("/api/v1/listings/{id}")).await.0, 404);
}

#[tokio::test]
async fn listing_pages_of_another_provider_are_not_found() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let other = s.admin.create_provider("Elsewhere").await;
    let listing = json!({ "kind": "booking", "name": "Theirs", "category_ids": [s.category] });
    let id = create(&s.admin, &other, listing).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let loner = Api::sign_in(&app, "loner@example.org", Role::User).await;
    for caller in [&s.member, &loner] {
        for path in [
            format!("/providers/{other}/listings/booking"),
            format!("/providers/{other}/listings/booking/new"),
            format!("/listings/{id}"),
            format!("/listings/{id}/delete"),
        ] {
            let status = caller
                .client
                .get(app.url(&path))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 404, "{path}");
        }
        let (status, _, _) = post_form(caller, &format!("/listings/{id}/delete"), &[]).await;
        assert_eq!(status, 404);
    }
    assert_eq!(s.admin.get(&format!("/api/v1/listings/{id}")).await.0, 200);
}

#[tokio::test]
async fn the_delete_page_of_a_booked_listing_says_how_many_and_where_to_cancel_them() {
    let app = TestApp::spawn().await;
    let s = setting(&app).await;
    let listing = json!({ "kind": "booking", "name": "Intake", "category_ids": [s.category] });
    let id = create(&s.member, &s.provider, listing).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let soon = app.clock_now() + time::Duration::days(1);
    crate::listings::book(&app, &id, soon, false).await;
    crate::listings::book(&app, &id, soon + time::Duration::hours(2), false).await;

    let confirm = s.member.page(&format!("/listings/{id}/delete")).await;
    let (status, _, refused) = post_form(&s.member, &format!("/listings/{id}/delete"), &[]).await;

    assert!(
        confirm.contains("2 upcoming booked appointments"),
        "{confirm}"
    );
    assert!(
        confirm.contains(&format!("href=\"/listings/{id}/slots\"")),
        "{confirm}"
    );
    assert!(!confirm.contains("Delete listing</button>"), "{confirm}");
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused.contains("2 upcoming booked appointments") && refused.contains("cancelled first"),
        "{refused}"
    );
    assert_eq!(s.member.get(&format!("/api/v1/listings/{id}")).await.0, 200);
}
