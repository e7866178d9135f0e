//! The accessibility check: axe-core (from npm, see `tests/browser/package.json`) run in the page.

use super::driver::{Browser, DESKTOP, PHONE};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The WCAG 2.2 AA rule set of SPEC §14.
const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const RUN_AXE: &str = r"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then(
    (results) => done(results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }))),
    (error) => done({ error: String(error) }),
  );
";

/// The source of axe.min.js, read once for the whole test binary.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser");
        let path = format!("{dir}/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("cannot read {path} ({e}): run `npm ci` in {dir} to install axe-core")
        })
    })
}

/// Checks the page shown now at desktop width and at phone width (where nothing may overflow
/// sideways), and leaves the window at desktop width.
pub async fn check_page(browser: &Browser, page: &str) {
    let mut problems = Vec::new();
    for (width_name, size) in [("desktop", DESKTOP), ("phone", PHONE)] {
        browser.resize(size).await;
        problems.extend(
            violations(browser)
                .await
                .into_iter()
                .map(|v| format!("{width_name}: {v}")),
        );
        if size == PHONE {
            problems.extend(horizontal_overflow(browser).await);
        }
    }
    browser.resize(DESKTOP).await;
    assert!(
        problems.is_empty(),
        "{page} has {} accessibility problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Runs axe in the page shown now and describes each violation.
async fn violations(browser: &Browser) -> Vec<String> {
    let client = &browser.client;
    // The page's CSP forbids inline script; WebDriver's execute is not bound by it.
    let loaded = client
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await
        .expect("look for axe");
    if loaded != Value::Bool(true) {
        client
            .execute(axe_source(), vec![])
            .await
            .expect("inject axe-core");
    }
    let result = client
        .execute_async(RUN_AXE, vec![json!(TAGS)])
        .await
        .expect("run axe");
    if let Some(error) = result.get("error") {
        panic!("axe failed to run: {error}");
    }
    let Value::Array(found) = result else {
        panic!("axe answered {result}");
    };
    found.iter().map(describe).collect()
}

fn describe(violation: &Value) -> String {
    let targets: Vec<String> = violation["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|node| format!("    {} — {}", node["target"], node["summary"]))
        .collect();
    format!(
        "{} ({}): {}\n{}",
        violation["id"],
        violation["impact"],
        violation["help"],
        targets.join("\n")
    )
}

/// Describes a page wider than the window, which a phone would have to scroll sideways.
async fn horizontal_overflow(browser: &Browser) -> Option<String> {
    let widths = browser
        .client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("measure the page");
    let (scroll, inner) = (&widths[0], &widths[1]);
    (scroll.as_f64() > inner.as_f64())
        .then(|| format!("phone: the page is {scroll}px wide in a {inner}px window"))
}
