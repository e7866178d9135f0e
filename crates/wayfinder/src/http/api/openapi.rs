//! `/openapi.json`: the API described from the handlers' own annotations, completed with what
//! every operation shares (the error body, the security schemes, the errors that the layers and
//! extractors answer), so that the document says everything the server may answer.

use crate::AppState;
use axum::Json;
use std::sync::LazyLock;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{Content, Header, Ref, RefOr, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The security scheme of the session cookie (its name gains the `__Host-` prefix on https).
pub const SESSION_COOKIE: &str = "session_cookie";
/// The security scheme of the `X-CSRF-Token` header that state-changing calls need.
pub const CSRF_TOKEN: &str = "csrf_token";
/// The security scheme of a kiosk station's bearer token.
pub const STATION_TOKEN: &str = "station_token";
/// The one error body of every 4xx and 5xx answer (`AppError`'s JSON rendering).
const ERROR_SCHEMA: &str = "Error";

#[derive(OpenApi)]
#[openapi(
    info(title = "Wayfinder API", description = "The dashboard's JSON API (SPEC §12). \
        Calls other than sign-in need the session cookie; state-changing calls also need the \
        `X-CSRF-Token` header and a matching `Origin`. Every error answers \
        `{\"error\":{\"code\",\"message\",\"fields\"}}`."),
    tags(
        (name = "auth", description = "Signing in and out."),
        (name = "users", description = "Accounts (administrators only)."),
        (name = "providers", description = "Service providers and their members."),
        (name = "categories", description = "Categories of listings (administrators only)."),
        (name = "listings", description = "A provider's listings (administrators and the \
            provider's members)."),
        (name = "audit", description = "The audit log (administrators only)."),
        (name = "reports", description = "Session reports."),
        (name = "slots", description = "Appointment slots of booking listings."),
        (name = "stations", description = "Kiosk stations and their links (administrators only)."),
        (name = "kiosk", description = "The kiosk session (SPEC §8.3), for a station: \
            `Authorization: Bearer` with the station link's token; no cookie, no CSRF token."),
        (name = "meta", description = "This document."),
    )
)]
pub struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// The finished document, built once from the same route list as the router.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(super::document);

#[utoipa::path(get, path = "/openapi.json", extensions(("x-permission" = json!("public"))), operation_id = "openapi_document", tag = "meta",
    responses((status = 200, description = "This OpenAPI 3.1 document.", body = Object)))]
async fn document() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&DOCUMENT)
}

/// Adds what every operation shares to a document assembled from the handlers' annotations.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert(ERROR_SCHEMA.to_owned(), error_schema());
    components.security_schemes.insert(
        SESSION_COOKIE.to_owned(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "wayfinder_session",
            "The session cookie that `POST /auth/verify` sets (`__Host-wayfinder_session` \
             when the site is served over https).",
        ))),
    );
    components.security_schemes.insert(
        CSRF_TOKEN.to_owned(),
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token",
            "The session's `csrf_token` from `POST /auth/verify` or `GET /me`.",
        ))),
    );
    components.security_schemes.insert(
        STATION_TOKEN.to_owned(),
        SecurityScheme::Http(
            utoipa::openapi::security::HttpBuilder::new()
                .scheme(utoipa::openapi::security::HttpAuthScheme::Bearer)
                .description(Some(
                    "The token of the station link (`/kiosk?station=TOKEN`).",
                ))
                .build(),
        ),
    );
    for item in doc.paths.paths.values_mut() {
        for (method, operation) in operations(item) {
            add_shared_errors(method, operation);
        }
    }
}

/// The operations of a path item with their methods.
pub fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
        ("head", &mut item.head),
        ("options", &mut item.options),
        ("trace", &mut item.trace),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|operation| (method, operation)))
}

/// The errors that come from the operation's shape rather than from its handler: the extractors
/// (`ApiJson`, `QueryParams`, `path_id`, `CurrentUser`), the cross-site guard and the body limit.
fn add_shared_errors(method: &str, operation: &mut Operation) {
    let has = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    let mut shared = vec![("500", "Something went wrong on our side (`internal`).")];
    if has(ParameterIn::Query) {
        shared.push(("400", "The query cannot be read (`invalid_query`)."));
    }
    if operation.request_body.is_some() {
        shared.push((
            "400",
            "The body is not the expected JSON: malformed, a wrong type, an unknown field or a \
             missing `Content-Type: application/json` (`invalid_body`).",
        ));
        shared.push(("413", "The body is over 64 KiB (`payload_too_large`)."));
    }
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        shared.push(("401", "Not signed in (`unauthenticated`)."));
    }
    if method != "get" {
        shared.push((
            "403",
            "A cross-site request: a foreign `Origin`, or the session cookie without a \
             matching `Origin` and `X-CSRF-Token` (`forbidden`).",
        ));
    }
    if method != "get" {
        shared.push((
            "503",
            "The database stayed busy with a conflicting change after several tries; try again \
             after `Retry-After` seconds (`busy`).",
        ));
    }
    if has(ParameterIn::Path) {
        shared.push((
            "404",
            "Nothing has this id, or it is outside the caller's scope (`not_found`).",
        ));
    }
    let responses = &mut operation.responses.responses;
    for (status, why) in shared {
        match responses.get_mut(status) {
            Some(RefOr::T(response)) => {
                response.description = also(&response.description, why);
            }
            Some(_) => {}
            None => {
                responses.insert(status.to_owned(), RefOr::T(Response::new(why)));
            }
        }
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response {
            if status.starts_with('4') || status.starts_with('5') {
                describe_error(status, response);
            }
        }
    }
}

/// `first`, and then `why` as a second reason: "… Or a cross-site request: …".
fn also(first: &str, why: &str) -> String {
    let mut chars = why.chars();
    let rest: String = chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect();
    format!("{first} Or {rest}")
}

/// Gives an error answer the error body, and `Retry-After` when it is a `429` or `503`.
fn describe_error(status: &str, response: &mut Response) {
    response.content.insert(
        "application/json".to_owned(),
        Content::new(Some(Ref::from_schema_name(ERROR_SCHEMA))),
    );
    if status == "429" || status == "503" {
        let seconds = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1));
        let mut header = Header::new(seconds);
        header.description = Some("Seconds to wait before trying again.".to_owned());
        response.headers.insert("Retry-After".to_owned(), header);
    }
}

/// `{"error":{"code","message","fields"}}`, as `AppError` renders itself.
fn error_schema() -> RefOr<utoipa::openapi::Schema> {
    let text = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    };
    let fields = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(
            text("What is wrong with this field.").into(),
        ))))
        .description(Some(
            "A message per field name; empty when the error is not about one field.",
        ));
    let detail = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "code",
            text("A machine-readable code, such as `validation` or `invalid_code`."),
        )
        .required("code")
        .property("message", text("What went wrong, in words for people."))
        .required("message")
        .property("fields", fields)
        .required("fields");
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("error", detail)
        .required("error")
        .into()
}
