//! Two administrators acting on the same rows at once (issue 8): each pair of requests is sent
//! together through the JSON API of the real server, and neither may ever get a 500. Each answer
//! must be one a person acting alone could have got, and the state afterwards must add up.

use crate::client::Api;
use crate::helpers::TestApp;
use domain::Role;
use serde_json::{Value, json};

/// Pairs of requests per test, each pair racing on rows of its own.
const PAIRS: usize = 25;

/// What the pairs answered (the first and the second request's status, pair by pair), and
/// the pairs after which the state did not add up. Checks are recorded rather than asserted at
/// once, so that a failing run still tells how many pairs got a 500.
#[derive(Default)]
struct Race {
    answers: Vec<(u16, u16)>,
    /// The pair's number and what did not add up.
    inconsistent: Vec<(usize, String)>,
}

impl Race {
    fn answered(&mut self, first: u16, second: u16) {
        self.answers.push((first, second));
    }

    /// Records a check of the state after the pair that answered last.
    fn check(&mut self, consistent: bool, what: String) {
        if !consistent {
            self.inconsistent.push((self.answers.len() - 1, what));
        }
    }

    /// Fails, naming how many pairs had a 500, unless every answer is one of those expected
    /// and the state added up after every pair.
    fn assert_expected(&self, first: &[u16], second: &[u16]) {
        let failed = self.answers.iter().filter(|(a, b)| *a == 500 || *b == 500);
        let (failed, all) = (failed.count(), self.answers.len());
        assert_eq!(
            failed, 0,
            "{failed} of {all} pairs got a 500: {:?}",
            self.answers
        );
        for (a, b) in &self.answers {
            assert!(
                first.contains(a) && second.contains(b),
                "{:?}",
                self.answers
            );
        }
        let mut pairs: Vec<usize> = self.inconsistent.iter().map(|(pair, _)| *pair).collect();
        pairs.dedup();
        assert!(
            pairs.is_empty(),
            "{} of {all} pairs left an inconsistent state: {:?}",
            pairs.len(),
            self.inconsistent
        );
    }
}

async fn two_admins(app: &TestApp) -> (Api<'_>, Api<'_>) {
    let one = Api::sign_in(app, "one@example.org", Role::Admin).await;
    let two = Api::sign_in(app, "two@example.org", Role::Admin).await;
    (one, two)
}

/// The providers the user is a member of, as the Users section shows them.
async fn providers_of(admin: &Api<'_>, user: &str) -> Value {
    let (status, body) = admin.get(&format!("/api/v1/users/{user}")).await;
    assert_eq!(status, 200, "{body}");
    body["provider_ids"].clone()
}

/// The newest audit event with this action.
async fn newest_event(admin: &Api<'_>, action: &str) -> Value {
    let (_, events) = admin.get(&format!("/api/v1/audit?action={action}")).await;
    events["items"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_user_while_another_admin_adds_them_as_a_member_never_answers_500() {
    let app = TestApp::spawn().await;
    let (one, two) = two_admins(&app).await;
    let provider = one.create_provider("Hope House").await;
    let mut race = Race::default();

    for i in 0..PAIRS {
        let user = one
            .create_user(&format!("u{i}@example.org"), "user", &[])
            .await;
        let (gone, members) = (
            format!("/api/v1/users/{user}"),
            format!("/api/v1/providers/{provider}/members"),
        );
        let ((deleted, _), (added, _)) = tokio::join!(
            one.delete(&gone),
            two.post(&members, json!({ "user_id": user })),
        );
        race.answered(deleted, added);
        let status = one.get(&gone).await.0;
        race.check(status == 404, format!("the deleted user answers {status}"));
    }

    // Adding someone who no longer exists is refused on the field, as for any unknown user.
    race.assert_expected(&[204], &[201, 422]);
    let (_, members) = one
        .get(&format!("/api/v1/providers/{provider}/members"))
        .await;
    assert_eq!(members["total"], 0, "no membership of a deleted user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_provider_while_another_admin_adds_a_member_to_it_never_answers_500() {
    let app = TestApp::spawn().await;
    let (one, two) = two_admins(&app).await;
    let user = one.create_user("ann@example.org", "user", &[]).await;
    let mut race = Race::default();

    for i in 0..PAIRS {
        let provider = one.create_provider(&format!("Provider {i}")).await;
        let (gone, members) = (
            format!("/api/v1/providers/{provider}"),
            format!("/api/v1/providers/{provider}/members"),
        );
        let ((deleted, _), (added, _)) = tokio::join!(
            one.delete(&gone),
            two.post(&members, json!({ "user_id": user })),
        );
        race.answered(deleted, added);
        let left = providers_of(&one, &user).await;
        race.check(left == json!([]), format!("still a member of {left}"));
    }

    // The provider is in the path: once it is gone, the answer is "not found".
    race.assert_expected(&[204], &[201, 404]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_provider_while_another_admin_creates_a_user_with_it_never_answers_500() {
    let app = TestApp::spawn().await;
    let (one, two) = two_admins(&app).await;
    let mut race = Race::default();

    for i in 0..PAIRS {
        let provider = one.create_provider(&format!("Provider {i}")).await;
        let gone = format!("/api/v1/providers/{provider}");
        let email = format!("u{i}@example.org");
        let new_user = json!({
            "first_name": "Pat", "last_name": "Lee", "email": email, "role": "user",
            "provider_ids": [provider],
        });
        let ((deleted, _), (created, user)) =
            tokio::join!(one.delete(&gone), two.post("/api/v1/users", new_user),);
        race.answered(deleted, created);
        // A created user lost the membership with the provider; a refused one does not exist.
        let (_, found) = one.get(&format!("/api/v1/users?q={email}")).await;
        let left = match user["id"].as_str() {
            Some(id) if created == 201 => providers_of(&one, id).await,
            _ => found["total"].clone(),
        };
        let expected = if created == 201 { json!([]) } else { json!(0) };
        race.check(left == expected, format!("{created} but {left}"));
    }

    race.assert_expected(&[204], &[201, 422]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deleting_a_provider_while_another_admin_edits_a_user_onto_it_never_answers_500() {
    let app = TestApp::spawn().await;
    let (one, two) = two_admins(&app).await;
    let kept = one.create_provider("Kept").await;
    let mut race = Race::default();

    for i in 0..PAIRS {
        let provider = one.create_provider(&format!("Provider {i}")).await;
        // Half of them are members of it already, half become members with the edit.
        let before: &[&str] = if i % 2 == 0 { &[] } else { &[&provider] };
        let user = one
            .create_user(&format!("u{i}@example.org"), "user", before)
            .await;
        let gone = format!("/api/v1/providers/{provider}");
        let edited_user = format!("/api/v1/users/{user}");
        let changes = json!({ "first_name": "Sam", "provider_ids": [kept, provider] });
        let ((deleted, _), (edited, _)) =
            tokio::join!(one.delete(&gone), two.patch(&edited_user, changes),);
        race.answered(deleted, edited);
        // All or nothing: a refused edit changes neither the name nor the providers.
        let (_, after) = one.get(&format!("/api/v1/users/{user}")).await;
        let expected = if edited == 200 {
            ("Sam", json!([kept]))
        } else {
            ("Pat", json!([]))
        };
        let seen = (after["first_name"].as_str(), &after["provider_ids"]);
        race.check(
            seen == (Some(expected.0), &expected.1),
            format!("{edited} but {seen:?}"),
        );
    }

    race.assert_expected(&[204], &[200, 422]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn setting_the_fallback_to_a_provider_being_deleted_answers_200_only_if_it_existed() {
    let app = TestApp::spawn().await;
    let (one, two) = two_admins(&app).await;
    let kept = one.create_provider("Kept").await;
    let mut race = Race::default();

    for i in 0..PAIRS {
        let provider = one.create_provider(&format!("Provider {i}")).await;
        let gone = format!("/api/v1/providers/{provider}");
        let setting = json!({ "provider_id": provider });
        let ((deleted, _), (set, _)) = tokio::join!(
            one.delete(&gone),
            two.put("/api/v1/settings/fallback-provider", setting),
        );
        race.answered(deleted, set);
        // A 200 means the provider became the fallback before the delete, which then saw it
        // as the fallback and cleared the setting with it; a refusal means it was gone.
        let deletion = newest_event(&one, "provider.deleted").await;
        assert_eq!(deletion["target_id"], provider.as_str());
        let setting = newest_event(&one, "settings.fallback_provider").await;
        if set == 200 {
            let before = setting["target_id"] == provider.as_str()
                && setting["seq"].as_i64() < deletion["seq"].as_i64();
            race.check(before, "200 for a provider already deleted".into());
        }
        let was_fallback = &deletion["details"]["was_fallback"];
        race.check(
            *was_fallback == json!(set == 200),
            format!("{set}, and the delete saw was_fallback {was_fallback}"),
        );
        // Whatever the order, no provider is the fallback now: only Kept is left, never chosen.
        let (_, list) = one.get("/api/v1/providers").await;
        let left: Vec<(Value, Value)> = list["items"]
            .as_array()
            .expect("providers")
            .iter()
            .map(|p| (p["id"].clone(), p["is_fallback"].clone()))
            .collect();
        race.check(
            left == [(json!(kept), json!(false))],
            format!("providers left {left:?}"),
        );
    }

    race.assert_expected(&[204], &[200, 422]);
}
