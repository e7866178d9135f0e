//! The permission rows of the kiosk API: a station principal, which no dashboard caller is.

use super::{Body, Row, form, get, row};
use serde_json::json;

/// Answers of a kiosk API route to the dashboard's callers: a session cookie is no station, so
/// all four are `401` (the station's own bearer token is tested in `kiosk_api`). `{station}`
/// stands in for a session id: the token is checked before anything else.
const KIOSK_API: [u16; 4] = [401, 401, 401, 401];

pub fn kiosk_rows() -> Vec<Row> {
    let json = Body::Json;
    vec![
        get("/api/v1/kiosk/categories", KIOSK_API),
        row("POST", "/api/v1/kiosk/sessions", Body::None, KIOSK_API),
        get("/api/v1/kiosk/sessions/{station}", KIOSK_API),
        row(
            "POST",
            "/api/v1/kiosk/sessions/{station}/consent",
            json(json!({ "consent": true })),
            KIOSK_API,
        ),
        row(
            "PUT",
            "/api/v1/kiosk/sessions/{station}/demographics",
            json(
                json!({ "gender": "other", "age": null, "indigenous_status": "prefer_not_to_say" }),
            ),
            KIOSK_API,
        ),
        row(
            "PUT",
            "/api/v1/kiosk/sessions/{station}/categories",
            json(json!({ "category_ids": ["{category}"] })),
            KIOSK_API,
        ),
        get("/api/v1/kiosk/sessions/{station}/listings", KIOSK_API),
        row(
            "POST",
            "/api/v1/kiosk/sessions/{station}/selections",
            json(json!({ "listing_id": "{listing}" })),
            KIOSK_API,
        ),
        row(
            "DELETE",
            "/api/v1/kiosk/sessions/{station}/selections/{listing}",
            Body::None,
            KIOSK_API,
        ),
        row(
            "POST",
            "/api/v1/kiosk/sessions/{station}/submit",
            json(json!({ "client_name": "Pat" })),
            KIOSK_API,
        ),
        row(
            "POST",
            "/api/v1/kiosk/sessions/{station}/terminate",
            Body::None,
            KIOSK_API,
        ),
    ]
}

/// Answers of a kiosk page to the dashboard's callers: no station cookie, so the not-set-up
/// page (`403`) for all four, signed in or not.
const KIOSK_PAGE: [u16; 4] = [403, 403, 403, 403];

pub fn kiosk_page_rows() -> Vec<Row> {
    vec![
        get("/kiosk", KIOSK_PAGE),
        form("/kiosk/sessions", &[], KIOSK_PAGE),
        get("/kiosk/consent", KIOSK_PAGE),
        form("/kiosk/consent", &[("consent", "yes")], KIOSK_PAGE),
        get("/kiosk/demographics", KIOSK_PAGE),
        form("/kiosk/demographics", &[("gender", "other")], KIOSK_PAGE),
        get("/kiosk/categories", KIOSK_PAGE),
        form(
            "/kiosk/categories",
            &[("category_ids", "{category}")],
            KIOSK_PAGE,
        ),
        get("/kiosk/listings", KIOSK_PAGE),
        form(
            "/kiosk/selections",
            &[("listing_id", "{listing}")],
            KIOSK_PAGE,
        ),
        get("/kiosk/terminate", KIOSK_PAGE),
        form("/kiosk/terminate", &[], KIOSK_PAGE),
        form("/kiosk/keep-alive", &[], KIOSK_PAGE),
        get("/kiosk/review", KIOSK_PAGE),
        form("/kiosk/review", &[("client_name", "Sam")], KIOSK_PAGE),
        form("/kiosk/remove", &[("listing_id", "{listing}")], KIOSK_PAGE),
        get("/kiosk/print", KIOSK_PAGE),
        form("/kiosk/finish", &[], KIOSK_PAGE),
    ]
}
