//! The OpenAPI document at `/api/v1/openapi.json`: valid (by `openapi-spec-validator`), complete
//! (every route of the router, with its methods, and nothing else) and honest (every answer the
//! server gives is one the document lists, and every error has the documented body).

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::Value;
use std::path::Path;

/// The methods a route may answer besides `HEAD` and `OPTIONS`.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Operations that need no session: signing in, and this document.
const PUBLIC: [&str; 3] = ["request_sign_in", "verify_sign_in", "openapi_document"];
/// A well-formed id that names nothing.
const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

async fn document(app: &TestApp) -> Value {
    let (status, doc) = Api::anonymous(app).get("/api/v1/openapi.json").await;
    assert_eq!(status, 200, "{doc}");
    doc
}

/// Every operation as (method, path template, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let paths = doc["paths"].as_object().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    found
}

/// The path with every `{parameter}` replaced by an id that names nothing.
fn concrete(template: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("closing brace") + start;
        path.push_str(&rest[..start]);
        path.push_str(UNKNOWN_ID);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    path
}

#[tokio::test]
async fn the_openapi_document_passes_openapi_spec_validator() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let file = app.dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).expect("write the document");

    let output = std::process::Command::new("openapi-spec-validator")
        .args(["--validation-errors", "all"])
        .arg(&file)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run openapi-spec-validator ({error}); scripts/test-deps installs it \
                 (pip install openapi-spec-validator==0.9.0)"
            )
        });

    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the validator refused it:\n{report}"
    );
    assert!(report.trim_end().ends_with("OK"), "{report}");
}

#[tokio::test]
async fn every_operation_has_a_unique_id_security_and_the_error_body() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut ids = std::collections::BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().expect("an operation id");
        assert!(ids.insert(id.to_owned()), "{id} is used twice");
        let schemes: Vec<&str> = operation["security"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.as_object().expect("requirement").keys())
            .map(String::as_str)
            .collect();
        let kiosk = path.starts_with("/api/v1/kiosk/");
        let expected: &[&str] = match (PUBLIC.contains(&id), method.as_str()) {
            (true, _) => &[],
            // The kiosk API: the station's bearer token alone, no cookie and no CSRF token.
            _ if kiosk => &["station_token"],
            (false, "get") => &["session_cookie"],
            // Both in one requirement: the cookie and the header (keys in name order).
            (false, _) => &["csrf_token", "session_cookie"],
        };
        assert_eq!(schemes, expected, "security of {method} {path}");
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error",
                    "{status} of {method} {path}"
                );
            }
        }
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "wayfinder_session");
    assert_eq!(schemes["csrf_token"]["in"], "header");
    assert_eq!(schemes["station_token"]["scheme"], "bearer");
    assert_eq!(schemes["csrf_token"]["name"], "X-CSRF-Token");
    let user = &doc["components"]["schemas"]["UserView"]["properties"];
    assert_eq!(user["role"]["enum"], serde_json::json!(["admin", "user"]));
    assert_eq!(
        user["status"]["enum"],
        serde_json::json!(["invited", "expired", "active"])
    );
}

/// Sends `method path` (a JSON `{}` when the operation takes a body) and checks that the answer
/// is one the operation documents, with the documented content type, and that an error has the
/// error body.
async fn check_answer(api: &Api<'_>, method: &str, template: &str, operation: &Value) {
    let method_name =
        reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
    let mut request = api
        .client
        .request(method_name, api.app.url(&concrete(template)))
        .header("x-csrf-token", &api.csrf);
    if operation.get("requestBody").is_some() {
        request = request.json(&serde_json::json!({}));
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16().to_string();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.text().await.expect("body");
    let documented = &operation["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {template} answered {status}, which it does not document: {body}"
    );
    if let Some(content) = documented["content"].as_object() {
        assert!(
            content
                .keys()
                .any(|kind| content_type.starts_with(kind.as_str())),
            "{method} {template} {status} sent {content_type}, documented {:?}",
            content.keys()
        );
    }
    if status.starts_with('4') || status.starts_with('5') {
        assert_error_body(&body, &format!("{method} {template} {status}"));
    }
}

/// `{"error":{"code","message","fields"}}` and nothing else, as the `Error` schema says.
fn assert_error_body(body: &str, what: &str) {
    let value: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{what}: {body}"));
    let top: Vec<&String> = value.as_object().expect("an object").keys().collect();
    assert_eq!(top, ["error"], "{what}: {body}");
    let error = &value["error"];
    let keys: Vec<&String> = error.as_object().expect("error object").keys().collect();
    assert_eq!(keys, ["code", "fields", "message"], "{what}: {body}");
    assert!(
        error["code"].is_string() && error["message"].is_string(),
        "{what}: {body}"
    );
    let fields = error["fields"].as_object().expect("fields object");
    assert!(fields.values().all(Value::is_string), "{what}: {body}");
}

#[tokio::test]
async fn every_documented_operation_is_served_and_answers_only_what_it_documents() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut operations = operations(&doc);
    // Signing out last, so that the administrator stays signed in for the others.
    operations.sort_by_key(|(_, _, operation)| operation["operationId"] == "sign_out");
    let anonymous = Api::anonymous(&app);
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let member = Api::sign_in(&app, "member@example.org", Role::User).await;

    for (method, path, operation) in &operations {
        for api in [&anonymous, &member, &admin] {
            check_answer(api, method, path, operation).await;
        }
    }
}

#[tokio::test]
async fn no_api_route_answers_a_method_the_document_does_not_list() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let api = Api::anonymous(&app);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS.iter().filter(|m| item.get(**m).is_none()) {
            let (status, body) = api
                .send(&method.to_uppercase(), &concrete(path), None)
                .await;
            assert_eq!(
                status, 405,
                "{method} {path} is routed but not documented: {body}"
            );
        }
    }
}

/// Route registrations that bypass `routes!` (and so the document).
const UNDOCUMENTED_IN_API: [&str; 5] = [
    ".route(",
    ".route_service(",
    ".nest_service(",
    ".fallback(",
    ".fallback_service(",
];
/// Registrations of an `/api` path outside the API module.
const API_PATHS_ELSEWHERE: [&str; 4] = [
    ".route(\"/api",
    ".nest(\"/api",
    ".route_service(\"/api",
    ".nest_service(\"/api",
];

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read the source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn api_routes_are_registered_only_through_their_openapi_annotations() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let api_dir = src.join("http").join("api");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found the sources: {files:?}");
    for file in files {
        let text: String = std::fs::read_to_string(&file)
            .expect("read a source file")
            .split_whitespace()
            .collect();
        let forbidden: &[&str] = if file.starts_with(&api_dir) {
            &UNDOCUMENTED_IN_API
        } else {
            &API_PATHS_ELSEWHERE
        };
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "{} registers a route with `{pattern}`: API routes go through `routes!` in \
                 src/http/api so that the OpenAPI document lists them",
                file.display()
            );
        }
    }
}
