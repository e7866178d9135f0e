//! SPEC §2 as a test: every route of the app (the API's, read from its OpenAPI document, which
//! is built from the API's router, and the pages', read from the table the pages' router is
//! built from) for an admin, a User in scope, a User out of scope, and someone signed out. A
//! route added without a row here fails the suite. Deny by default: anything the table does not
//! allow is refused.

use crate::client::Api;
use crate::helpers::TestApp;
use crate::permission_rows::{Body, Row, api_rows, page_rows};
use crate::slot_fixtures;
use domain::Role;
use serde_json::Value;
use std::collections::BTreeSet;

/// Fresh objects for one row, so that an admin's delete does not disturb the next row.
struct World {
    provider_in: String,
    provider_out: String,
    user: String,
    member: String,
    category: String,
    station: String,
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
            serde_json::json!({ "user_id": member_id }),
        )
        .await;
    assert_eq!(status, 201);
    let user = admin
        .create_user(&format!("target{n}@example.org"), "user", &[&provider_out])
        .await;
    let (status, category) = admin
        .post(
            "/api/v1/categories",
            serde_json::json!({ "name": format!("Cat {n}"), "colour": "#123456" }),
        )
        .await;
    assert_eq!(status, 201);
    let (status, station) = admin
        .post(
            "/api/v1/stations",
            serde_json::json!({ "name": format!("Station {n}") }),
        )
        .await;
    assert_eq!(status, 201, "{station}");
    let category = category["id"].as_str().unwrap().to_owned();
    let mut listings = Vec::new();
    for provider in [&provider_in, &provider_in, &provider_out, &provider_in] {
        let body =
            serde_json::json!({ "kind": "booking", "name": "Intake", "category_ids": [category] });
        let (status, listing) = admin
            .post(&format!("/api/v1/providers/{provider}/listings"), body)
            .await;
        assert_eq!(status, 201, "{listing}");
        listings.push(listing["id"].as_str().unwrap().to_owned());
    }
    let mut slots = Vec::new();
    for listing in &listings {
        let body =
            serde_json::json!({ "starts_at": "2026-03-20T09:00:00Z", "duration_minutes": 30 });
        slots.extend(slot_fixtures::add_slots(admin, listing, body).await);
    }
    World {
        slots: slots.try_into().unwrap(),
        provider_in,
        provider_out,
        user,
        member: member_id.to_owned(),
        station: station["station"]["id"].as_str().unwrap().to_owned(),
        category,
        listings: listings.try_into().unwrap(),
    }
}

/// Where the call is the `caller`-th of row `n`.
struct Call<'a> {
    world: &'a World,
    provider: &'a str,
    n: usize,
    caller: usize,
}

fn fill(text: &str, call: &Call) -> String {
    let (world, provider, n) = (call.world, call.provider, call.n);
    text.replace("{provider}", provider)
        .replace("{listing}", &world.listings[call.caller])
        .replace("{slot}", &world.slots[call.caller])
        .replace("{kind}", "booking")
        .replace("{caller}", &call.caller.to_string())
        .replace("{user}", &world.user)
        .replace("{member}", &world.member)
        .replace("{category}", &world.category)
        .replace("{station}", &world.station)
        .replace("{n}", &n.to_string())
}

/// `METHOD /path/{}`: the route a path belongs to, whatever its parameters are called.
fn route_of(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let mut shape = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => in_parameter = true,
            '}' => {
                in_parameter = false;
                shape.push_str("{}");
            }
            _ if !in_parameter => shape.push(c),
            _ => {}
        }
    }
    format!("{} {shape}", method.to_uppercase())
}

/// Every route the app serves, from its own lists.
async fn served_routes(app: &TestApp) -> BTreeSet<String> {
    let (status, doc) = Api::anonymous(app).get("/api/v1/openapi.json").await;
    assert_eq!(status, 200, "{doc}");
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            routes.insert(route_of(method, path));
        }
    }
    for entry in wayfinder::http::route_table() {
        routes.insert(route_of(entry.method, entry.path));
    }
    routes
}

#[tokio::test]
async fn every_route_of_the_app_has_a_row_in_the_permission_test_and_no_row_is_stale() {
    let app = TestApp::spawn().await;
    let served = served_routes(&app).await;
    let rows: BTreeSet<String> = api_rows()
        .iter()
        .chain(page_rows().iter())
        .map(|row| route_of(row.method, row.path))
        .collect();
    let missing: Vec<_> = served.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes without a permission row: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for routes the app does not serve: {stale:?}"
    );
}

#[test]
fn every_page_that_needs_a_session_is_declared_with_a_permission() {
    use wayfinder::http::routes::Access;
    let public: Vec<_> = wayfinder::http::route_table()
        .into_iter()
        .filter(|e| e.access == Access::Public)
        .map(|e| e.path)
        .collect();
    // Only signing in, the first start, the health check and the stylesheet are open to anyone.
    assert!(
        public.iter().all(|p| p.starts_with("/sign-in")
            || [
                "/setup",
                "/healthz",
                "/static/app.css",
                "/static/copy-link.js",
                "/static/dashboard.js",
                "/static/kiosk.js"
            ]
            .contains(p)),
        "{public:?}"
    );
}

/// A provider member without report access, as the rows' User is.
fn member() -> domain::Viewer {
    let now = crate::helpers::start_time();
    domain::Viewer::Account(domain::User {
        id: domain::UserId::new(),
        email: domain::EmailAddress::parse("member@example.org").unwrap(),
        first_name: "A".into(),
        last_name: "Member".into(),
        role: Role::User,
        can_download_reports: false,
        invited_at: now,
        invitation_expires_at: now,
        activated_at: Some(now),
        last_sign_in_at: Some(now),
        created_at: now,
        updated_at: now,
    })
}

#[test]
fn the_permission_each_page_declares_is_the_one_its_row_observes() {
    use wayfinder::http::routes::Access;
    let rows = page_rows();
    let member = member();
    for entry in wayfinder::http::route_table() {
        let route = route_of(entry.method, entry.path);
        let row = rows
            .iter()
            .find(|r| route_of(r.method, r.path) == route)
            .unwrap_or_else(|| panic!("no row for {route}"));
        let [admin, in_scope, _, signed_out] = row.expect;
        match entry.access {
            Access::Public => {}
            Access::SignedIn => assert_eq!(signed_out, 303, "{route}"),
            Access::Station => assert_eq!(row.expect, [403; 4], "{route}: a station's alone"),
            Access::Needs(permission) => {
                assert_eq!(signed_out, 303, "{route} sends the signed out to sign in");
                assert!(admin < 400, "{route}: an administrator may");
                let refused = in_scope == 403;
                assert_eq!(
                    refused,
                    !member.may(permission),
                    "{route} declares {permission:?}, and a member in scope got {in_scope}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_permission_each_api_operation_declares_is_the_one_its_row_observes() {
    let app = TestApp::spawn().await;
    let (_, doc) = Api::anonymous(&app).get("/api/v1/openapi.json").await;
    let rows = api_rows();
    let member = member();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let route = route_of(method, path);
            let declared = operation["x-permission"]
                .as_str()
                .unwrap_or_else(|| panic!("{route} declares no x-permission"));
            let row = rows
                .iter()
                .find(|r| route_of(r.method, r.path) == route)
                .unwrap_or_else(|| panic!("no row for {route}"));
            let [admin, in_scope, _, signed_out] = row.expect;
            match declared {
                "public" => assert_ne!(signed_out, 401, "{route}"),
                "signed_in" => assert_eq!(signed_out, 401, "{route}"),
                // A station principal: no dashboard caller gets in, whatever its role.
                "station" => assert_eq!(row.expect, [401; 4], "{route}"),
                name => {
                    let permission = domain::Permission::ALL
                        .into_iter()
                        .find(|p| p.as_str() == name)
                        .unwrap_or_else(|| panic!("{route}: no permission {name}"));
                    assert_eq!(signed_out, 401, "{route}");
                    assert!(admin < 400, "{route}: an administrator may");
                    assert_eq!(
                        in_scope == 403,
                        !member.may(permission),
                        "{route} declares {name}, and a member in scope got {in_scope}"
                    );
                }
            }
        }
    }
}

async fn send(caller: &Api<'_>, row: &Row, call: &Call<'_>) -> (u16, String) {
    let path = fill(row.path, call);
    let body = match &row.body {
        Body::None => None,
        Body::Json(json) => Some(serde_json::from_str(&fill(&json.to_string(), call)).unwrap()),
        Body::Form(fields) => {
            let fields: Vec<(String, String)> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), fill(v, call)))
                .collect();
            let response = caller
                .client
                .post(caller.app.url(&path))
                .header("x-csrf-token", &caller.csrf)
                .form(&fields)
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            return (status, response.text().await.expect("body"));
        }
    };
    let (status, answer) = caller.send(row.method, &path, body).await;
    (status, answer.to_string())
}

async fn check(app: &TestApp, rows: Vec<Row>, first: usize) {
    let admin = Api::sign_in(app, "admin@example.org", Role::Admin).await;
    // Every wrong answer, so that one run shows them all.
    let mut wrong = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let n = first + i;
        let member = Api::sign_in(app, &format!("member{n}@example.org"), Role::User).await;
        let me: Value = member.get("/api/v1/me").await.1;
        let world = world(&admin, me["user"]["id"].as_str().unwrap(), n).await;
        let row_admin = Api::sign_in(app, &format!("admin{n}@example.org"), Role::Admin).await;
        let anonymous = Api::anonymous(app);
        let callers: [(&Api, &str); 4] = [
            (&row_admin, &world.provider_in),
            (&member, &world.provider_in),
            (&member, &world.provider_out),
            (&anonymous, &world.provider_in),
        ];
        // Refused callers first: the admin's call may delete what the row uses.
        for index in [3, 2, 1, 0] {
            let (caller, provider) = callers[index];
            let call = Call {
                world: &world,
                provider,
                n,
                caller: index,
            };
            let (status, answer) = send(caller, &row, &call).await;
            if status != row.expect[index] {
                let answer: String = answer.chars().take(200).collect();
                wrong.push(format!(
                    "{} {} as caller {index}: {status}, not {}: {answer}",
                    row.method, row.path, row.expect[index]
                ));
            }
        }
        // Past the limits on sign-in emails to one address and per address.
        app.clock.advance(time::Duration::seconds(61));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_api_route_answers_each_role_as_spec_section_2_says() {
    let app = TestApp::spawn().await;
    check(&app, api_rows(), 0).await;
}

#[tokio::test]
async fn every_page_and_form_answers_each_role_as_spec_section_2_says() {
    let app = TestApp::spawn().await;
    check(&app, page_rows(), 0).await;
}
