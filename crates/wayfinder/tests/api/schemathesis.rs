//! Schemathesis against the real server, signed in as an administrator: generated requests for
//! every operation of the OpenAPI document (and sequences of them), each answer checked against
//! the document (status, content type, headers, body schema) and for server errors.

use crate::helpers::{TestApp, secrets_in};
use domain::Role;
use std::path::Path;

/// Where `scripts/test-deps` installs Schemathesis (a virtual environment, so that its many
/// dependencies stay out of the machine's Python).
const ST: &str = "target/test-tools/schemathesis/bin/st";

/// What the answers must satisfy. Left out: whether the server refuses or accepts generated
/// input exactly as strictly as the schemas (`positive_data_acceptance`,
/// `negative_data_rejection`: the schemas do not spell out every rule, such as what an email
/// address is), and the checks that remove the authentication, which is sent as fixed headers.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
    response_headers_conformance,response_schema_conformance,unsupported_method,\
    allow_header_conformance,use_after_free,ensure_resource_availability";

/// Signs in an administrator with its invitation code; returns the session cookie and the CSRF
/// token.
async fn admin_session(app: &TestApp) -> (String, String) {
    let email = "admin@example.org";
    app.create_user(email, Role::Admin).await;
    let (code, _) = secrets_in(&app.wait_for_email(email, 1).await);
    let response = app
        .client()
        .post(app.url("/api/v1/auth/verify"))
        .json(&serde_json::json!({ "email": email, "code": code }))
        .send()
        .await
        .expect("verify");
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wayfinder_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let body: serde_json::Value = response.json().await.expect("json");
    let csrf = body["csrf_token"].as_str().expect("csrf token").to_owned();
    (cookie, csrf)
}

#[tokio::test]
async fn schemathesis_finds_no_answer_that_the_document_does_not_describe() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = admin_session(&app).await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let st = root.join(ST);
    let reports = app.dir.path().join("schemathesis");

    let output = tokio::process::Command::new(&st)
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args(["--header", &format!("Cookie: {cookie}")])
        .args(["--header", &format!("X-CSRF-Token: {csrf}")])
        .args(["--header", &format!("Origin: {}", app.state.config.origin)])
        // Signing out would end the session that the other operations use.
        .args(["--exclude-operation-id", "sign_out"])
        .args(["--checks", CHECKS])
        .args(["--max-examples", "10", "--seed", "1", "--workers", "1"])
        .arg("--report-dir")
        .arg(&reports)
        // Its caches (`.schemathesis/`, `.hypothesis/`) go to the test's temporary directory.
        .current_dir(app.dir.path())
        .output()
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot run Schemathesis at {} ({error}); scripts/test-deps installs it",
                st.display()
            )
        });

    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Schemathesis found answers the document does not describe:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // "Operations: 26 selected / 27 total" and "Tested: 26": all but sign-out, none lost to a
    // schema it could not use.
    let selected = number_after(&report, "Operations:");
    let total = number_after(&report, "selected /");
    assert_eq!(selected + 1, total, "{report}");
    assert_eq!(number_after(&report, "Tested:"), selected, "{report}");
}

/// The number that follows `label` in Schemathesis's report.
fn number_after(report: &str, label: &str) -> usize {
    let start = report
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {report}"))
        + label.len();
    report[start..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label:?} in {report}"))
}
