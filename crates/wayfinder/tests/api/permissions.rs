//! SPEC §2 as a test: every API route for an admin, a User in scope, a User out of scope, and
//! someone signed out. Deny by default: anything the table does not allow is refused.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::slot_fixtures;
use domain::Role;
use serde_json::{Value, json};

/// Fresh objects for one row, so that an admin's delete does not disturb the next row.
struct World {
    provider_in: String,
    provider_out: String,
    user: String,
    member: String,
    category: String,
    /// A listing per caller: the admin's and the member's in scope, one out of scope, and one
    /// for the signed-out caller (so that one caller's delete leaves the next one's listing).
    listings: [String; 4],
    /// A free slot of each of those listings.
    slots: [String; 4],
}

async fn world(admin: &Api<'_>, member_id: &str, n: usize) -> World {
    let provider_in = admin.create_provider(&format!("In {n}")).await;
    let provider_out = admin.create_provider(&format!("Out {n}")).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/providers/{provider_in}/members"),
            json!({ "user_id": member_id }),
        )
        .await;
    assert_eq!(status, 201);
    let user = admin
        .create_user(&format!("target{n}@example.org"), "user", &[&provider_out])
        .await;
    let (status, category) = admin
        .post(
            "/api/v1/categories",
            json!({ "name": format!("Cat {n}"), "colour": "#123456" }),
        )
        .await;
    assert_eq!(status, 201);
    let category = category["id"].as_str().unwrap().to_owned();
    let mut listings = Vec::new();
    for provider in [&provider_in, &provider_in, &provider_out, &provider_in] {
        let body = json!({ "kind": "booking", "name": "Intake", "category_ids": [category] });
        let (status, listing) = admin
            .post(&format!("/api/v1/providers/{provider}/listings"), body)
            .await;
        assert_eq!(status, 201, "{listing}");
        listings.push(listing["id"].as_str().unwrap().to_owned());
    }
    let mut slots = Vec::new();
    for listing in &listings {
        let body = json!({ "starts_at": "2026-03-20T09:00:00Z", "duration_minutes": 30 });
        slots.extend(slot_fixtures::add_slots(admin, listing, body).await);
    }
    World {
        provider_in,
        provider_out,
        user,
        member: member_id.to_owned(),
        category,
        slots: slots.try_into().unwrap(),
        listings: listings.try_into().unwrap(),
    }
}

struct Row {
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    /// Admin, User in scope, User out of scope, signed out.
    expect: [u16; 4],
}

fn row(method: &'static str, path: &'static str, body: Option<Value>, expect: [u16; 4]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

fn rows() -> Vec<Row> {
    let new_user = || {
        Some(
            json!({ "first_name": "New", "last_name": "Person", "email": "new{n}@example.org", "role": "user" }),
        )
    };
    vec![
        row("GET", "/api/v1/me", None, [200, 200, 200, 401]),
        row("GET", "/api/v1/users", None, [200, 403, 403, 401]),
        row("POST", "/api/v1/users", new_user(), [201, 403, 403, 401]),
        row("GET", "/api/v1/users/{user}", None, [200, 403, 403, 401]),
        row(
            "PATCH",
            "/api/v1/users/{user}",
            Some(json!({ "first_name": "Changed" })),
            [200, 403, 403, 401],
        ),
        row(
            "POST",
            "/api/v1/users/{user}/invitation",
            None,
            [202, 403, 403, 401],
        ),
        row("DELETE", "/api/v1/users/{user}", None, [204, 403, 403, 401]),
        row("GET", "/api/v1/providers", None, [200, 200, 200, 401]),
        row(
            "POST",
            "/api/v1/providers",
            Some(json!({ "name": "Fresh" })),
            [201, 403, 403, 401],
        ),
        row(
            "GET",
            "/api/v1/providers/{provider}",
            None,
            [200, 200, 404, 401],
        ),
        row(
            "PATCH",
            "/api/v1/providers/{provider}",
            Some(json!({ "phone": "555 0100" })),
            [200, 403, 404, 401],
        ),
        row(
            "DELETE",
            "/api/v1/providers/{provider}",
            None,
            [204, 403, 404, 401],
        ),
        row(
            "GET",
            "/api/v1/providers/{provider}/members",
            None,
            [200, 200, 404, 401],
        ),
        row(
            "POST",
            "/api/v1/providers/{provider}/members",
            Some(json!({ "user_id": "{user}" })),
            [201, 403, 404, 401],
        ),
        row(
            "DELETE",
            "/api/v1/providers/{provider}/members/{member}",
            None,
            [204, 403, 404, 401],
        ),
        row(
            "PUT",
            "/api/v1/settings/fallback-provider",
            Some(json!({ "provider_id": "{provider}" })),
            [200, 403, 403, 401],
        ),
        row("GET", "/api/v1/categories", None, [200, 403, 403, 401]),
        row(
            "POST",
            "/api/v1/categories",
            Some(json!({ "name": "New {n}", "colour": "#abcdef" })),
            [201, 403, 403, 401],
        ),
        row(
            "GET",
            "/api/v1/categories/{category}",
            None,
            [200, 403, 403, 401],
        ),
        row(
            "PATCH",
            "/api/v1/categories/{category}",
            Some(json!({ "colour": "#000000" })),
            [200, 403, 403, 401],
        ),
        row(
            "DELETE",
            "/api/v1/categories/{category}",
            None,
            [204, 403, 403, 401],
        ),
        row(
            "GET",
            "/api/v1/providers/{provider}/listings?kind=booking",
            None,
            [200, 200, 404, 401],
        ),
        row(
            "POST",
            "/api/v1/providers/{provider}/listings",
            Some(
                json!({ "kind": "information", "name": "New {n}", "category_ids": ["{category}"] }),
            ),
            [201, 201, 404, 401],
        ),
        row(
            "GET",
            "/api/v1/listings/{listing}",
            None,
            [200, 200, 404, 401],
        ),
        row(
            "PATCH",
            "/api/v1/listings/{listing}",
            Some(json!({ "name": "Renamed" })),
            [200, 200, 404, 401],
        ),
        row(
            "DELETE",
            "/api/v1/listings/{listing}",
            None,
            [204, 204, 404, 401],
        ),
        row(
            "GET",
            "/api/v1/listings/{listing}/slots",
            None,
            [200, 200, 404, 401],
        ),
        row(
            "POST",
            "/api/v1/listings/{listing}/slots",
            Some(json!({ "starts_at": "2026-03-21T09:00:00Z", "duration_minutes": 30 })),
            [201, 201, 404, 401],
        ),
        row("DELETE", "/api/v1/slots/{slot}", None, [204, 204, 404, 401]),
        row("GET", "/api/v1/audit", None, [200, 403, 403, 401]),
        row("GET", "/api/v1/audit.csv", None, [200, 403, 403, 401]),
    ]
}

/// The provider, listing and slot a caller's row is about.
type Here<'a> = (&'a str, &'a str, &'a str);

fn fill(text: &str, world: &World, (provider, listing, slot): Here, n: usize) -> String {
    text.replace("{provider}", provider)
        .replace("{slot}", slot)
        .replace("{listing}", listing)
        .replace("{user}", &world.user)
        .replace("{member}", &world.member)
        .replace("{category}", &world.category)
        .replace("{n}", &n.to_string())
}

#[tokio::test]
async fn every_route_answers_each_role_as_spec_section_2_says() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    for (n, row) in rows().into_iter().enumerate() {
        let member = Api::sign_in(&app, &format!("member{n}@example.org"), Role::User).await;
        let me: Value = member.get("/api/v1/me").await.1;
        let world = world(&admin, me["user"]["id"].as_str().unwrap(), n).await;
        let row_admin = Api::sign_in(&app, &format!("admin{n}@example.org"), Role::Admin).await;
        let callers: [(&Api, &str); 4] = [
            (&row_admin, &world.provider_in),
            (&member, &world.provider_in),
            (&member, &world.provider_out),
            (&Api::anonymous(&app), &world.provider_in),
        ];
        // Refused callers first: the admin's call may delete what the row uses.
        for index in [3, 2, 1, 0] {
            let (caller, provider) = callers[index];
            let here = (
                provider,
                world.listings[index].as_str(),
                world.slots[index].as_str(),
            );
            let path = fill(row.path, &world, here, n);
            let body = row
                .body
                .as_ref()
                .map(|b| serde_json::from_str(&fill(&b.to_string(), &world, here, n)).unwrap());
            let (status, answer) = caller.send(row.method, &path, body).await;
            assert_eq!(
                status, row.expect[index],
                "{} {} as caller {index}: {answer}",
                row.method, row.path
            );
        }
        app.clock.advance(time::Duration::seconds(61));
    }
}
