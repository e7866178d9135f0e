//! The rows of the permission test: every route of the app, API and pages, with what each of
//! four callers gets. Callers: an admin, a User in scope (a member of the provider), the same
//! User out of scope (another provider), and someone signed out.
//!
//! Placeholders: `{provider}` (in or out of scope, by caller), `{user}` (an account that is no
//! member), `{member}` (the calling User), `{category}`, `{station}`, `{listing}` (a booking listing of the
//! caller's provider, one per caller), `{kind}` (`booking`), `{n}` (the row's number) and
//! `{caller}` (the caller's number, for calls that must not look like repeats), `{slot}` (a free
//! slot of the caller's listing).

use serde_json::{Value, json};

mod kiosk;

/// What a row sends.
pub enum Body {
    None,
    Json(Value),
    /// A page's form, as `application/x-www-form-urlencoded`.
    Form(&'static [(&'static str, &'static str)]),
}

pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub body: Body,
    /// Admin, User in scope, User out of scope, signed out.
    pub expect: [u16; 4],
}

fn row(method: &'static str, path: &'static str, body: Body, expect: [u16; 4]) -> Row {
    Row {
        method,
        path,
        body,
        expect,
    }
}

fn get(path: &'static str, expect: [u16; 4]) -> Row {
    row("GET", path, Body::None, expect)
}

fn form(
    path: &'static str,
    fields: &'static [(&'static str, &'static str)],
    expect: [u16; 4],
) -> Row {
    row("POST", path, Body::Form(fields), expect)
}

/// Answers of an admin-only API route: the admin's success, then `403 403 401`.
fn admin_api(success: u16) -> [u16; 4] {
    [success, 403, 403, 401]
}

/// Answers of an admin-only page: the admin's success, then `403 403`, and signed out is sent to
/// sign in (`303`).
fn admin_page(success: u16) -> [u16; 4] {
    [success, 403, 403, 303]
}

/// Answers of a listing route, API: members manage their own providers' listings.
fn listing_api(success: u16) -> [u16; 4] {
    [success, success, 404, 401]
}

/// Answers of a listing page or form.
fn listing_page(success: u16) -> [u16; 4] {
    [success, success, 404, 303]
}

/// Answers of a page about one provider that a member may see but not change.
fn provider_manage_page(success: u16) -> [u16; 4] {
    [success, 403, 404, 303]
}

pub fn api_rows() -> Vec<Row> {
    let mut rows = dashboard_api_rows();
    rows.extend(kiosk::kiosk_rows());
    rows
}

fn dashboard_api_rows() -> Vec<Row> {
    let json = Body::Json;
    vec![
        row(
            "POST",
            "/api/v1/auth/sign-in",
            json(json!({ "email": "someone{n}.{caller}@example.org" })),
            [202, 202, 202, 202],
        ),
        row(
            "POST",
            "/api/v1/auth/verify",
            json(json!({ "email": "nobody{n}@example.org", "code": "000000" })),
            [400, 400, 400, 400],
        ),
        // Signing out ends the caller's session: the User, signed out as "out of scope", is no
        // longer signed in as "in scope"; someone signed out cannot sign out.
        row(
            "POST",
            "/api/v1/auth/sign-out",
            Body::None,
            [204, 401, 204, 401],
        ),
        get("/api/v1/me", [200, 200, 200, 401]),
        get("/api/v1/openapi.json", [200, 200, 200, 200]),
        get("/api/v1/users", admin_api(200)),
        row(
            "POST",
            "/api/v1/users",
            json(
                json!({ "first_name": "New", "last_name": "Person", "email": "new{n}@example.org", "role": "user" }),
            ),
            admin_api(201),
        ),
        get("/api/v1/users/{user}", admin_api(200)),
        row(
            "PATCH",
            "/api/v1/users/{user}",
            json(json!({ "first_name": "Changed" })),
            admin_api(200),
        ),
        row(
            "POST",
            "/api/v1/users/{user}/invitation",
            Body::None,
            admin_api(202),
        ),
        row("DELETE", "/api/v1/users/{user}", Body::None, admin_api(204)),
        get("/api/v1/providers", [200, 200, 200, 401]),
        row(
            "POST",
            "/api/v1/providers",
            json(json!({ "name": "Fresh" })),
            admin_api(201),
        ),
        get("/api/v1/providers/{provider}", [200, 200, 404, 401]),
        row(
            "PATCH",
            "/api/v1/providers/{provider}",
            json(json!({ "phone": "555 0100" })),
            [200, 403, 404, 401],
        ),
        row(
            "DELETE",
            "/api/v1/providers/{provider}",
            Body::None,
            [204, 403, 404, 401],
        ),
        get("/api/v1/providers/{provider}/members", [200, 200, 404, 401]),
        row(
            "POST",
            "/api/v1/providers/{provider}/members",
            json(json!({ "user_id": "{user}" })),
            [201, 403, 404, 401],
        ),
        row(
            "DELETE",
            "/api/v1/providers/{provider}/members/{member}",
            Body::None,
            [204, 403, 404, 401],
        ),
        row(
            "PUT",
            "/api/v1/settings/fallback-provider",
            json(json!({ "provider_id": "{provider}" })),
            admin_api(200),
        ),
        get("/api/v1/categories", admin_api(200)),
        row(
            "POST",
            "/api/v1/categories",
            json(json!({ "name": "New {n}", "colour": "#1c2f5e" })),
            admin_api(201),
        ),
        get("/api/v1/categories/{category}", admin_api(200)),
        row(
            "PATCH",
            "/api/v1/categories/{category}",
            json(json!({ "colour": "#000000" })),
            admin_api(200),
        ),
        row(
            "DELETE",
            "/api/v1/categories/{category}",
            Body::None,
            admin_api(204),
        ),
        get("/api/v1/stations", admin_api(200)),
        row(
            "POST",
            "/api/v1/stations",
            json(json!({ "name": "Kiosk {n}" })),
            admin_api(201),
        ),
        row(
            "POST",
            "/api/v1/stations/{station}/link",
            Body::None,
            admin_api(201),
        ),
        row(
            "DELETE",
            "/api/v1/stations/{station}",
            Body::None,
            admin_api(204),
        ),
        get(
            "/api/v1/providers/{provider}/listings?kind=booking",
            listing_api(200),
        ),
        row(
            "POST",
            "/api/v1/providers/{provider}/listings",
            json(
                json!({ "kind": "information", "name": "New {n}", "category_ids": ["{category}"] }),
            ),
            listing_api(201),
        ),
        get("/api/v1/listings/{listing}", listing_api(200)),
        row(
            "PATCH",
            "/api/v1/listings/{listing}",
            json(json!({ "name": "Renamed" })),
            listing_api(200),
        ),
        row(
            "DELETE",
            "/api/v1/listings/{listing}",
            Body::None,
            listing_api(204),
        ),
        get("/api/v1/listings/{listing}/slots", listing_api(200)),
        row(
            "POST",
            "/api/v1/listings/{listing}/slots",
            json(json!({ "starts_at": "2026-03-21T09:00:00Z", "duration_minutes": 30 })),
            listing_api(201),
        ),
        row(
            "DELETE",
            "/api/v1/slots/{slot}",
            Body::None,
            listing_api(204),
        ),
        get("/api/v1/audit", admin_api(200)),
        get("/api/v1/audit.csv", admin_api(200)),
        // A User without report access (the callers have none) may not download.
        get(
            "/api/v1/reports/sessions.csv?from=2026-03-01&to=2026-03-02",
            admin_api(200),
        ),
    ]
}

pub fn page_rows() -> Vec<Row> {
    const PERSON: &[(&str, &str)] = &[
        ("first_name", "New"),
        ("last_name", "Person"),
        ("email", "page-new{n}@example.org"),
        ("role", "user"),
    ];
    const CHANGED: &[(&str, &str)] = &[
        ("first_name", "Changed"),
        ("last_name", "Person"),
        ("role", "user"),
    ];
    const PROVIDER: &[(&str, &str)] = &[("name", "Fresh from a form")];
    const CATEGORY: &[(&str, &str)] = &[("name", "From a form {n}"), ("colour", "#1c2f5e")];
    const LISTING: &[(&str, &str)] = &[("name", "Intake {n}"), ("category_ids", "{category}")];
    const SLOTS: &[(&str, &str)] = &[
        ("date", "2026-03-22"),
        ("start_time", "10:00"),
        ("duration_minutes", "30"),
        ("count", "2"),
    ];
    let mut rows = vec![
        get("/healthz", [200, 200, 200, 200]),
        get("/static/app.css", [200, 200, 200, 200]),
        get("/static/copy-link.js", [200, 200, 200, 200]),
        get("/static/dashboard.js", [200, 200, 200, 200]),
        get("/static/kiosk.js", [200, 200, 200, 200]),
        get("/sign-in", [303, 303, 303, 200]),
        // On to the code page, whether the address has an account or not.
        form(
            "/sign-in",
            &[("email", "page{n}.{caller}@example.org")],
            [303, 303, 303, 303],
        ),
        get("/sign-in/code", [200, 200, 200, 200]),
        form(
            "/sign-in/code",
            &[("email", "nobody@example.org"), ("code", "000000")],
            [400, 400, 400, 400],
        ),
        get("/sign-in/link?token=unknown", [400, 400, 400, 400]),
        form(
            "/sign-in/link",
            &[("token", "unknown")],
            [400, 400, 400, 400],
        ),
        // As with the API: the User's session ends at the first of their two calls.
        form("/sign-out", &[], [303, 303, 303, 303]),
        // Setup needs its one-time link, which nobody here has.
        get("/setup", [400, 400, 400, 400]),
        form("/setup", &[], [422, 422, 422, 422]),
        get("/", [200, 200, 200, 303]),
        get("/users", admin_page(200)),
        form("/users", PERSON, admin_page(303)),
        get("/users/new", admin_page(200)),
        form("/users/{user}", CHANGED, admin_page(303)),
        get("/users/{user}/edit", admin_page(200)),
        form("/users/{user}/invitation", &[], admin_page(303)),
        get("/users/{user}/delete", admin_page(200)),
        form("/users/{user}/delete", &[], admin_page(303)),
        get("/providers", [200, 200, 200, 303]),
        form("/providers", PROVIDER, admin_page(303)),
        get("/providers/new", admin_page(200)),
        get("/providers/{provider}", [200, 200, 404, 303]),
        form("/providers/{provider}", PROVIDER, provider_manage_page(303)),
        get("/providers/{provider}/members", [200, 200, 404, 303]),
        form(
            "/providers/{provider}/members",
            &[("user_id", "{user}")],
            provider_manage_page(303),
        ),
        form(
            "/providers/{provider}/members/{member}/remove",
            &[],
            provider_manage_page(303),
        ),
        get("/providers/{provider}/listings", listing_page(303)),
        get("/providers/{provider}/listings/{kind}", listing_page(200)),
        form(
            "/providers/{provider}/listings/{kind}",
            LISTING,
            listing_page(303),
        ),
        get(
            "/providers/{provider}/listings/{kind}/new",
            listing_page(200),
        ),
        get("/listings/{listing}", listing_page(200)),
        form("/listings/{listing}", LISTING, listing_page(303)),
        get("/listings/{listing}/delete", listing_page(200)),
        form("/listings/{listing}/delete", &[], listing_page(303)),
        get("/listings/{listing}/slots", listing_page(200)),
        form("/listings/{listing}/slots", SLOTS, listing_page(303)),
        get("/listings/{listing}/slots/new", listing_page(200)),
        form(
            "/listings/{listing}/slots/preview",
            SLOTS,
            listing_page(200),
        ),
        form("/slots/{slot}/remove", &[], listing_page(303)),
        get("/slots/{slot}/cancel", listing_page(200)),
        form("/slots/{slot}/cancel", &[], listing_page(303)),
        get("/providers/{provider}/day-sheet", listing_page(200)),
        form(
            "/providers/{provider}/fallback",
            &[("action", "set")],
            admin_page(303),
        ),
        get("/providers/{provider}/delete", admin_page(200)),
        form("/providers/{provider}/delete", &[], admin_page(303)),
        get("/categories", admin_page(200)),
        form("/categories", CATEGORY, admin_page(303)),
        get("/categories/new", admin_page(200)),
        get("/categories/{category}", admin_page(200)),
        form("/categories/{category}", CATEGORY, admin_page(303)),
        get("/categories/{category}/delete", admin_page(200)),
        form("/categories/{category}/delete", &[], admin_page(303)),
        get("/stations", admin_page(200)),
        form("/stations", &[("name", "Kiosk {n}")], admin_page(200)),
        get("/stations/new", admin_page(200)),
        form("/stations/{station}/link", &[], admin_page(200)),
        get("/stations/{station}/revoke", admin_page(200)),
        form("/stations/{station}/revoke", &[], admin_page(303)),
        get("/audit", admin_page(200)),
        get("/reports", admin_page(200)),
        get(
            "/reports/sessions.csv?from=2026-03-01&to=2026-03-02",
            admin_page(200),
        ),
    ];
    rows.extend(kiosk::kiosk_page_rows());
    rows
}
