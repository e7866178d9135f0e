//! Issue 12 over HTTP: user cards that scan (tags, "All providers", the no-provider warning),
//! notices that name what changed and come once, sorting and counts, the member picker at
//! scale, and the error summary of a refused form.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{EmailAddress, Role, User, UserId};
use std::time::Instant;
use time::Duration;

/// Posts a dashboard form without following the redirect: status, `Location`, body.
async fn post_form(api: &Api<'_>, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
    let mut form = vec![("csrf_token", api.csrf.as_str())];
    form.extend_from_slice(fields);
    let response = api
        .client
        .post(api.app.url(path))
        .form(&form)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, response.text().await.expect("body"))
}

/// The HTML of the card whose id is `user-<id>`.
fn card<'p>(page: &'p str, id: &str) -> &'p str {
    let start = page
        .find(&format!("id=\"user-{id}\""))
        .unwrap_or_else(|| panic!("no card of {id} in:\n{page}"));
    let end = page[start..].find("</li>").expect("card end") + start;
    &page[start..end]
}

/// Stores `count` Users directly (one transaction), named `Person 00001`….
pub async fn insert_people(app: &TestApp, count: usize, role: Role) -> Vec<User> {
    let now = app.clock_now();
    let mut tx = app.state.store.begin().await.expect("begin");
    let mut people = Vec::with_capacity(count);
    for n in 0..count {
        let user = User {
            id: UserId::new(),
            email: EmailAddress::parse(&format!("person{n:05}@example.org")).expect("email"),
            first_name: "Person".into(),
            last_name: format!("{n:05}"),
            role,
            can_download_reports: false,
            invited_at: now,
            invitation_expires_at: now + Duration::days(7),
            activated_at: None,
            last_sign_in_at: None,
            created_at: now,
            updated_at: now,
        };
        tx.insert_user(&user).await.expect("insert");
        people.push(user);
    }
    let event = NewAuditEvent::new(now, Actor::Cli, Action::UserCreated);
    tx.commit(event).await.expect("commit");
    people
}

#[tokio::test]
async fn user_cards_show_status_tags_all_providers_for_admins_and_a_warning_for_users_without_one()
{
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let harbour = admin.create_provider("Harbour Legal").await;
    let member = admin
        .create_user("mia@example.org", "user", &[&harbour])
        .await;
    let lonely = admin.create_user("taylor@example.org", "user", &[]).await;
    let me = admin.my_id().await;

    let page = admin.page("/users").await;

    let mine = card(&page, &me);
    assert!(mine.contains("All providers"), "{mine}");
    assert!(mine.contains(">Active</span>"), "{mine}");
    assert!(mine.contains("Last sign-in "), "{mine}");
    assert!(
        !mine.contains("Delete "),
        "nobody deletes themselves: {mine}"
    );
    let mia = card(&page, &member);
    assert!(mia.contains("Harbour Legal"), "{mia}");
    assert!(mia.contains(">Invitation pending</span>"), "{mia}");
    assert!(mia.contains("Expires "), "{mia}");
    assert!(!mia.contains("No provider"), "{mia}");
    let taylor = card(&page, &lonely);
    assert!(taylor.contains("No provider — sees nothing"), "{taylor}");
    assert!(taylor.contains("tag-warning"), "{taylor}");
    assert!(taylor.contains("Edit Pat Example</span>"), "{taylor}");
    assert!(
        taylor.contains(&format!("href=\"/users/{lonely}/delete\"")) && taylor.contains("<svg"),
        "{taylor}"
    );
    assert!(page.contains("3 users"), "the grid counts what it shows");
}

#[tokio::test]
async fn a_notice_names_the_new_user_once_highlights_the_card_and_never_comes_from_an_address() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let fields = [
        ("first_name", "Mia"),
        ("last_name", "Tran"),
        ("email", "mia.tran@example.org"),
        ("role", "admin"),
    ];

    let (status, location, _) = post_form(&admin, "/users", &fields).await;
    let first = admin.page(&location).await;
    let reload = admin.page(&location).await;
    let bookmark = admin.page("/users?notice=user-added").await;

    assert_eq!((status, location.as_str()), (303, "/users"));
    assert!(
        first.contains("Mia Tran was added. An invitation is on its way to mia.tran@example.org."),
        "{first}"
    );
    assert!(
        first.contains("card user-card changed"),
        "the new card is marked"
    );
    assert!(
        !reload.contains("was added"),
        "a reload shows no notice again"
    );
    assert!(!reload.contains(" changed\""), "nor the mark");
    assert!(!bookmark.contains("was added") && !bookmark.contains("class=\"notice\""));
}

#[tokio::test]
async fn the_fallback_notice_names_the_provider_it_replaces() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let link = admin.create_provider("Community Link").await;
    let youth = admin.create_provider("Youth Pathways").await;
    post_form(
        &admin,
        &format!("/providers/{link}/fallback"),
        &[("action", "set")],
    )
    .await;
    admin.page(&format!("/providers/{link}")).await;

    let (_, location, _) = post_form(
        &admin,
        &format!("/providers/{youth}/fallback"),
        &[("action", "set")],
    )
    .await;
    let page = admin.page(&location).await;

    assert!(
        page.contains("Youth Pathways is now the fallback provider (it was Community Link)."),
        "{page}"
    );
}

#[tokio::test]
async fn users_sort_by_name_by_last_sign_in_and_by_status() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let people = insert_people(&app, 3, Role::User).await;
    let mut tx = app.state.store.begin().await.expect("begin");
    // 00002 signed in an hour ago, the administrator just now; 00001's invitation expired.
    let earlier = app.clock_now() - Duration::hours(1);
    tx.mark_signed_in(people[2].id, earlier)
        .await
        .expect("sign in");
    let expired = User {
        invitation_expires_at: app.clock_now() - Duration::days(1),
        ..people[1].clone()
    };
    tx.update_user(&expired).await.expect("expire");
    tx.commit(NewAuditEvent::new(
        app.clock_now(),
        Actor::Cli,
        Action::UserUpdated,
    ))
    .await
    .expect("commit");
    let order = |page: String| -> Vec<String> {
        page.split("<h2 class=\"card-title\">")
            .skip(1)
            .map(|c| c[..c.find('<').unwrap()].to_owned())
            .collect()
    };

    let by_name = order(admin.page("/users").await);
    let by_sign_in = order(admin.page("/users?sort=last_sign_in").await);
    let by_status = order(admin.page("/users?sort=status").await);
    let unknown = order(admin.page("/users?sort=shoe-size").await);

    assert_eq!(
        by_name,
        ["Person 00000", "Person 00001", "Person 00002", "Test Admin"]
    );
    assert_eq!(
        by_sign_in,
        ["Test Admin", "Person 00002", "Person 00000", "Person 00001"]
    );
    assert_eq!(
        by_status,
        ["Person 00001", "Person 00000", "Person 00002", "Test Admin"]
    );
    assert_eq!(unknown, by_name, "an unknown order sorts by name");
}

#[tokio::test]
async fn the_member_picker_leaves_out_members_and_administrators_and_finds_by_name_or_email() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let harbour = admin.create_provider("Harbour Legal").await;
    let mia = admin
        .create_user("mia@example.org", "user", &[&harbour])
        .await;
    let sam = admin.create_user("sam@example.org", "user", &[]).await;
    let other_admin = admin.create_user("alex@example.org", "admin", &[]).await;
    let path = format!("/providers/{harbour}/members");

    let all = admin.page(&path).await;
    let found = admin.page(&format!("{path}?find=SAM@")).await;
    let none = admin.page(&format!("{path}?find=mia")).await;
    let (status, location, _) = post_form(&admin, &path, &[("user_id", &sam)]).await;
    let after = admin.page(&location).await;

    let offered = |page: &str, id: &str| page.contains(&format!("name=\"user_id\" value=\"{id}\""));
    assert!(offered(&all, &sam), "{all}");
    assert!(!offered(&all, &mia), "a member is not offered");
    assert!(
        !offered(&all, &other_admin),
        "an administrator is not offered"
    );
    assert!(all.contains("1 person can be added."), "{all}");
    assert!(offered(&found, &sam));
    assert!(
        none.contains("No one who could be added matches “mia”."),
        "{none}"
    );
    assert_eq!(status, 303);
    assert!(
        after.contains("Pat Example was added to Harbour Legal."),
        "{after}"
    );
    assert!(after.contains(&format!("id=\"member-{sam}\" class=\"changed\"")));
}

#[tokio::test]
async fn the_member_picker_stays_small_and_fast_with_ten_thousand_users() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let harbour = admin.create_provider("Harbour Legal").await;
    insert_people(&app, 10_000, Role::User).await;
    let path = format!("/providers/{harbour}/members");
    admin.page(&path).await;

    let started = Instant::now();
    let page = admin.page(&path).await;
    let first_took = started.elapsed();
    let started = Instant::now();
    let found = admin.page(&format!("{path}?find=person0999")).await;
    let search_took = started.elapsed();
    let users_started = Instant::now();
    let users = admin.page("/users?q=person").await;
    let users_took = users_started.elapsed();
    eprintln!(
        "members page with 10,000 users: {} bytes in {first_took:?}; search {} bytes in \
         {search_took:?}; users grid {} bytes in {users_took:?}",
        page.len(),
        found.len(),
        users.len()
    );

    let offered = page.matches("name=\"user_id\"").count();
    assert_eq!(offered, 20, "the picker offers a bounded list");
    assert!(
        page.contains("Showing the first 20 of 10000 people."),
        "{page}"
    );
    assert!(
        page.len() < 40_000,
        "the page stays small: {} bytes",
        page.len()
    );
    assert_eq!(found.matches("name=\"user_id\"").count(), 10, "{found}");
    assert!(
        users.contains("Showing 1–50 of 10000 users"),
        "counts on the grid"
    );
    assert!(first_took.as_secs_f64() < 2.0, "took {first_took:?}");
    assert!(search_took.as_secs_f64() < 2.0, "took {search_took:?}");
}

#[tokio::test]
async fn a_duplicate_email_found_by_the_server_is_listed_in_the_error_summary() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    let fields = [
        ("first_name", "Ann"),
        ("last_name", "Again"),
        ("email", "ann@example.org"),
        ("role", "admin"),
    ];

    let (status, _, page) = post_form(&admin, "/users", &fields).await;
    let empty = post_form(&admin, "/users", &[("role", "user")]).await;

    assert_eq!(status, 409, "{page}");
    assert!(page.contains("<title>Error: Add User"), "{page}");
    assert!(page.contains("There is a problem"), "{page}");
    let summary =
        &page[page.find("error-summary").unwrap()..page.find("action=\"/users\"").unwrap()];
    assert!(summary.contains("<a href=\"#email\">"), "{summary}");
    assert!(
        page.contains("autofocus"),
        "focus moves to it without script"
    );
    let (status, _, page) = empty;
    assert_eq!(status, 422, "{page}");
    let summary =
        &page[page.find("error-summary").unwrap()..page.find("action=\"/users\"").unwrap()];
    let first = summary.find("#first_name").expect("first name linked");
    let last = summary.find("#last_name").expect("last name linked");
    let email = summary.find("#email").expect("email linked");
    assert!(
        first < last && last < email,
        "in the form's order: {summary}"
    );
}

#[tokio::test]
async fn the_providers_grid_finds_by_name_and_counts() {
    let app = TestApp::spawn().await;
    let admin = Api::sign_in(&app, "ann@example.org", Role::Admin).await;
    admin.create_provider("Harbour Legal").await;
    admin.create_provider("Northside Housing").await;

    let all = admin.page("/providers").await;
    let found = admin.page("/providers?q=HARB").await;
    let none = admin.page("/providers?q=zzz").await;

    assert!(all.contains("2 providers"), "{all}");
    assert!(found.contains("1 provider<") && found.contains("Harbour Legal"));
    assert!(!found.contains("Northside Housing"));
    assert!(
        none.contains("No provider's name contains “zzz”."),
        "{none}"
    );
}
