//! Reports for any range (SPEC §12: both bounds optional, no longest range), and the Reports
//! page's count and chart, which must match the CSV of the same range and scope (issue 12).

use crate::client::Api;
use crate::helpers::TestApp;
use crate::reports::{HEADER, download, fixture};
use domain::Role;
use serde_json::json;

/// The session ids of a CSV's rows (its first column), header checked and left out.
fn ids(csv: &str) -> Vec<String> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(HEADER), "{csv}");
    lines
        .map(|l| l.split(',').next().unwrap_or_default()[34..].to_owned())
        .collect()
}

/// The CSV from the page route, as a browser's download would get it.
async fn page_download(api: &Api<'_>, query: &str) -> (u16, String) {
    let url = api.app.url(&format!("/reports/sessions.csv{query}"));
    let response = api.client.get(url).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The numbers in the last column of the page's table: the total of each week.
fn weekly_totals(page: &str) -> Vec<u64> {
    let body = page.split("<tbody>").nth(1).unwrap_or_default();
    let body = body.split("</tbody>").next().unwrap_or_default();
    body.split("</tr>")
        .filter_map(|row| row.rsplit("<td>").next()?.split("</td>").next())
        // A cell opens with its column's name, shown when the table stacks on a phone.
        .filter_map(|cell| cell.rsplit("</span>").next()?.trim().parse().ok())
        .collect()
}

#[tokio::test]
async fn a_download_without_bounds_holds_every_session_up_to_today_on_the_api_and_the_page() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    fixture(&app, &admin).await;
    // The clock says 2 March 2026; the session of 3 March is after today.
    let everything = ["a0", "a1", "a2"];

    let (status, csv, _) = download(&admin, "").await;
    assert_eq!(status, 200, "{csv}");
    assert_eq!(ids(&csv), everything);
    for query in ["", "?from=&to="] {
        let (status, csv) = page_download(&admin, query).await;
        assert_eq!(status, 200, "{query}: {csv}");
        assert_eq!(ids(&csv), everything, "{query}");
    }
}

#[tokio::test]
async fn either_bound_may_be_left_out_and_a_range_longer_than_ten_years_is_accepted() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    fixture(&app, &admin).await;

    for (query, expected) in [
        ("from=2026-03-01", &["a1", "a2"][..]),
        ("to=2026-02-28", &["a0"][..]),
        ("from=&to=2026-03-03", &["a0", "a1", "a2", "a3"][..]),
        (
            "from=2000-01-01&to=2040-12-31",
            &["a0", "a1", "a2", "a3"][..],
        ),
    ] {
        let (status, csv, _) = download(&admin, query).await;
        assert_eq!(status, 200, "{query}: {csv}");
        assert_eq!(ids(&csv), expected, "API, {query}");
        let (status, csv) = page_download(&admin, &format!("?{query}")).await;
        assert_eq!(status, 200, "{query}: {csv}");
        assert_eq!(ids(&csv), expected, "page, {query}");
    }
}

#[tokio::test]
async fn the_reports_page_counts_and_charts_exactly_the_rows_of_the_csv_for_the_same_range() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    fixture(&app, &admin).await;

    let page = admin.page("/reports?from=2026-02-01&to=2026-03-31").await;
    let (_, csv, _) = download(&admin, "from=2026-02-01&to=2026-03-31").await;

    assert_eq!(ids(&csv).len(), 4);
    assert!(
        page.contains("4 sessions from 1 Feb 2026 to 31 Mar 2026"),
        "{page}"
    );
    let href = page
        .split("href=\"/reports/sessions.csv?")
        .nth(1)
        .unwrap_or_default();
    assert!(
        href.starts_with("from=2026-02-01&#38;to=2026-03-31\""),
        "{href}"
    );
    let weeks = weekly_totals(&page);
    assert_eq!(
        weeks.len(),
        10,
        "every week from 26 Jan to 30 Mar, empty ones too"
    );
    assert_eq!(weeks.iter().sum::<u64>(), 4);
    // 1 March is a Sunday: it belongs to the week of 23 February.
    assert!(page.contains("Week of 23 Feb 2026: 1 (1 completed, 0 cancelled, 0 abandoned)"));
    assert!(page.contains("Week of 2 Mar 2026: 2 (1 completed, 0 cancelled, 1 abandoned)"));
    assert!(
        page.contains("<svg class=\"chart\""),
        "the chart is drawn on the server"
    );

    let all = admin.page("/reports?from=&to=").await;
    assert!(
        all.contains("3 sessions in all, from the first on 20 Feb 2026 to 2 Mar 2026"),
        "{all}"
    );
    let default = admin.page("/reports").await;
    assert!(
        default.contains("3 sessions from 31 Jan 2026 to 2 Mar 2026"),
        "{default}"
    );
}

#[tokio::test]
async fn a_user_with_report_access_sees_the_count_of_their_own_scope_only() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;
    let fixture = fixture(&app, &admin).await;
    let member = Api::sign_in(&app, "member@example.org", Role::User).await;
    let member_id = member.my_id().await;
    let grant = json!({ "provider_ids": [fixture.legal], "can_download_reports": true });
    admin
        .patch(&format!("/api/v1/users/{member_id}"), grant)
        .await;

    let page = member.page("/reports?from=2026-02-01&to=2026-03-31").await;
    let (_, csv, _) = download(&member, "from=2026-02-01&to=2026-03-31").await;

    assert_eq!(ids(&csv), ["a1"]);
    assert!(
        page.contains("1 session from 1 Feb 2026 to 31 Mar 2026"),
        "{page}"
    );
    assert_eq!(weekly_totals(&page).iter().sum::<u64>(), 1);
}

#[tokio::test]
async fn a_page_range_that_cannot_be_read_is_shown_again_with_its_message() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "admin@example.org", Role::Admin).await;

    let response = admin
        .client
        .get(app.url("/reports?from=2026-03-05&to=2026-03-01"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("must not be before"), "{page}");
    assert!(page.contains("<title>Error: Reports"), "{page}");
}
