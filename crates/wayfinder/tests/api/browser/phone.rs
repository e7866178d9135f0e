//! Phone width (issue 12): the compact header's Menu opens the sections and leads to another
//! page with and without script, tables stack into one block per row, and the pages changed for
//! reports and category colours pass axe at desktop and phone width.

use super::axe::check_page;
use super::driver::{Browser, DESKTOP};
use super::sign_in_by_link;
use crate::helpers::TestApp;
use crate::reports::fixture;
use domain::Role;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{Category, CategoryId};
use fantoccini::Locator;
use std::time::Duration;

/// The phone of issue 12's brief.
const PHONE: (u32, u32) = (390, 844);

async fn displayed(browser: &Browser, css: &str) -> bool {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("nothing matches {css:?}"))
        .is_displayed()
        .await
        .expect("displayed?")
}

/// Waits a little for `css` to be shown (or hidden) after a click.
async fn wait_displayed(browser: &Browser, css: &str, shown: bool) {
    for _ in 0..50 {
        if displayed(browser, css).await == shown {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} is still {}", if shown { "hidden" } else { "shown" });
}

async fn walk_the_menu(browser: &Browser, app: &TestApp, email: &str) {
    sign_in_by_link(browser, app, email).await;
    browser.resize(PHONE).await;
    browser.goto(&app.url("/providers")).await;
    assert!(!displayed(browser, "nav.sidebar").await, "closed at first");
    assert!(displayed(browser, ".menu-link").await);

    browser.follow("Menu").await;
    wait_displayed(browser, "nav.sidebar", true).await;
    browser.follow("Close menu").await;
    wait_displayed(browser, "nav.sidebar", false).await;
    browser.follow("Menu").await;
    wait_displayed(browser, "nav.sidebar", true).await;
    browser.follow("Reports").await;

    browser.wait_for_path("/reports").await;
    assert!(
        !displayed(browser, "nav.sidebar").await,
        "closed on the new page"
    );
    browser.resize(DESKTOP).await;
    assert!(
        displayed(browser, "nav.sidebar").await,
        "always there on a desktop"
    );
    assert!(!displayed(browser, ".menu-link").await);
}

#[tokio::test]
async fn the_phone_menu_opens_closes_and_leads_to_a_page_with_and_without_script() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    app.create_user("bo@example.org", Role::Admin).await;
    app.request_code(&app.client(), "ann@example.org").await;
    app.request_code(&app.client(), "bo@example.org").await;

    let with_script = Browser::open().await;
    // The dashboard's own script (search as you type) is loaded here; the walk without
    // script below shows that the menu does not depend on it.
    walk_the_menu(&with_script, &app, "ann@example.org").await;
    with_script.close().await;

    let without_script = Browser::open_without_script().await;
    without_script
        .goto("data:text/html,<title>before</title><script>document.title='ran'</script>")
        .await;
    let title = without_script.client.title().await.expect("title");
    assert_eq!(title, "before", "this browser really runs no script");
    walk_the_menu(&without_script, &app, "bo@example.org").await;
    without_script.close().await;
}

/// The widths of the table matching `table` and of its first body cell.
async fn widths(browser: &Browser, table: &str) -> (f64, f64) {
    let script = "const t = document.querySelector(arguments[0]);
        return [t.getBoundingClientRect().width,
                t.querySelector('tbody td').getBoundingClientRect().width];";
    let found = browser
        .client
        .execute(script, vec![serde_json::json!(table)])
        .await
        .expect("measure");
    (found[0].as_f64().unwrap(), found[1].as_f64().unwrap())
}

#[tokio::test]
async fn tables_stack_into_rows_at_phone_width_and_the_changed_pages_pass_axe() {
    let app = TestApp::spawn().await;
    app.create_user("ann@example.org", Role::Admin).await;
    app.request_code(&app.client(), "ann@example.org").await;
    let api = crate::client::Api::sign_in(&app, "helper@example.org", Role::Admin).await;
    fixture(&app, &api).await;
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
    let browser = Browser::open().await;
    sign_in_by_link(&browser, &app, "ann@example.org").await;

    browser
        .goto(&app.url("/reports?from=2026-02-01&to=2026-03-31"))
        .await;
    check_page(&browser, "the Reports page with its chart").await;
    browser
        .client
        .find(Locator::Css(".chart-numbers summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    check_page(&browser, "the Reports page with its numbers open").await;
    let (table, cell) = widths(&browser, ".chart-numbers table").await;
    assert!(
        cell < table / 3.0,
        "columns side by side on a desktop: {cell} of {table}"
    );
    browser.resize(PHONE).await;
    let (table, cell) = widths(&browser, ".chart-numbers table").await;
    assert!(
        table - cell <= 4.0,
        "one row per block on a phone: {cell} of {table}"
    );
    browser.goto(&app.url("/audit")).await;
    let (table, cell) = widths(&browser, ".table.stack").await;
    assert!(
        table - cell <= 4.0,
        "the audit log stacks too: {cell} of {table}"
    );
    assert!(
        displayed(&browser, ".cell-label").await,
        "each value says what it is"
    );
    browser.resize(DESKTOP).await;
    assert!(
        !displayed(&browser, ".cell-label").await,
        "the header row says it on a desktop"
    );
    let script =
        "return getComputedStyle(document.querySelector('.table-wrap')).backgroundAttachment;";
    let cue = browser
        .client
        .execute(script, vec![])
        .await
        .expect("the scroll cue");
    assert_eq!(
        cue, "local, local, scroll, scroll",
        "edge shadows that move with the scroll"
    );

    browser.goto(&app.url("/categories")).await;
    check_page(&browser, "the categories grid with a colour too light").await;
    browser
        .goto(&app.url(&format!("/categories/{}", old.id)))
        .await;
    check_page(&browser, "a category kept in a colour too light").await;
    browser.goto(&app.url("/categories/new")).await;
    browser.fill("Name", "Housing").await;
    browser.press("Save").await;
    browser.wait_for_path("/categories").await;
    browser
        .goto(&app.url("/reports?from=2026-03-05&to=2026-03-01"))
        .await;
    check_page(&browser, "the Reports page with a field error").await;
    browser.close().await;
}
