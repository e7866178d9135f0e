//! Contract: accounts and the constraints the database itself enforces.

use super::*;

#[tokio::test]
async fn a_stored_user_reads_back_unchanged_by_id_and_by_email() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;

    let by_id = db.store.user_by_id(ann.id).await.unwrap();
    let by_email = db
        .store
        .user_by_email(&EmailAddress::parse(" ANN@example.org").unwrap())
        .await
        .unwrap();

    assert_eq!(by_id.as_ref(), Some(&ann));
    assert_eq!(by_email.as_ref(), Some(&ann));
    assert_eq!(db.store.count_admins().await.unwrap(), 1);
    assert_eq!(db.store.admins().await.unwrap(), vec![ann]);
}

#[tokio::test]
async fn times_keep_their_microseconds_and_dates_before_1970_on_every_backend() {
    let db = fresh().await;
    let mut ann = user("ann@example.org");
    ann.invited_at = start_time() + Duration::microseconds(123_456);
    ann.activated_at = Some(time::macros::datetime!(1969-07-20 20:17:40.000_001 UTC));
    ann.last_sign_in_at = None;
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_user(&ann).await.unwrap();
    tx.commit(event(Action::UserCreated)).await.unwrap();

    let stored = db.store.user_by_id(ann.id).await.unwrap().expect("stored");

    assert_eq!(stored.invited_at, ann.invited_at);
    assert_eq!(stored.activated_at, ann.activated_at);
    assert_eq!(stored.last_sign_in_at, None);
    assert_eq!(stored, ann);
}

#[tokio::test]
async fn lists_of_ids_find_each_named_row_once_and_an_empty_list_finds_none() {
    let db = fresh().await;
    let (ann, bob) = (
        db.add_user("ann@example.org").await,
        db.add_user("bob@example.org").await,
    );
    let provider = |name: &str| domain::Provider {
        id: domain::ProviderId::new(),
        name: name.into(),
        description: String::new(),
        booking_email: String::new(),
        contact_email: String::new(),
        phone: String::new(),
        address: String::new(),
        is_fallback: false,
        created_at: start_time(),
        updated_at: start_time(),
    };
    let (hope, legal) = (provider("Hope House"), provider("Legal Aid"));
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_provider(&legal).await.unwrap();
    tx.insert_provider(&hope).await.unwrap();
    tx.add_membership(ann.id, legal.id, start_time())
        .await
        .unwrap();
    tx.add_membership(ann.id, hope.id, start_time())
        .await
        .unwrap();
    tx.add_membership(bob.id, legal.id, start_time())
        .await
        .unwrap();
    tx.commit(event(Action::MembershipAdded)).await.unwrap();
    let gone = domain::ProviderId::new();

    let memberships = db.store.memberships_of(&[ann.id, bob.id, ann.id]).await;
    let summaries = db.store.providers_by_ids(&[legal.id, gone, hope.id]).await;
    let mut tx = db.store.begin().await.unwrap();
    let counted = tx
        .count_providers(&[legal.id, gone, hope.id])
        .await
        .unwrap();
    let nothing = tx.count_providers(&[]).await.unwrap();
    drop(tx);

    let memberships: Vec<_> = memberships
        .unwrap()
        .into_iter()
        .map(|m| (m.user_id, m.provider_name))
        .collect();
    assert_eq!(memberships.len(), 3, "{memberships:?}");
    assert_eq!(memberships[0].1, "Hope House");
    assert!(memberships.contains(&(bob.id, "Legal Aid".into())));
    let names: Vec<_> = summaries.unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Hope House", "Legal Aid"]);
    assert_eq!((counted, nothing), (2, 0));
    assert!(db.store.memberships_of(&[]).await.unwrap().is_empty());
    assert!(db.store.providers_by_ids(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_second_account_with_the_same_email_is_refused() {
    let db = fresh().await;
    db.add_user("ann@example.org").await;

    let mut tx = db.store.begin().await.unwrap();
    let again = tx.insert_user(&user("Ann@Example.org")).await;

    assert_eq!(conflict(again), Constraint::UsersEmailKey);
}

#[tokio::test]
async fn the_database_itself_refuses_to_change_an_email() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    let id = ann.id;

    let changed = db
        .raw(&format!(
            "UPDATE users SET email = 'eve@example.org' WHERE id = '{id}'"
        ))
        .await;
    let renamed = db
        .raw(&format!(
            "UPDATE users SET first_name = 'Annie' WHERE id = '{id}'"
        ))
        .await;

    assert_eq!(conflict(changed), Constraint::UsersEmailImmutable);
    assert_eq!(renamed.unwrap(), 1, "other columns still change");
    let stored = db.store.user_by_id(id).await.unwrap().unwrap();
    assert_eq!(stored.email.as_str(), "ann@example.org");
}

#[tokio::test]
async fn at_most_one_provider_is_the_fallback() {
    let db = fresh().await;
    let now = db.now_sql();
    let insert = |fallback: &str| {
        format!(
            "INSERT INTO providers (id, name, is_fallback, created_at, updated_at)
             VALUES ('{}', 'Provider', {fallback}, {now}, {now})",
            uuid::Uuid::new_v4()
        )
    };

    db.raw(&insert("TRUE")).await.expect("first fallback");
    db.raw(&insert("FALSE"))
        .await
        .expect("an ordinary provider");
    let second = db.raw(&insert("TRUE")).await;

    assert_eq!(conflict(second), Constraint::ProvidersOneFallback);
}

#[tokio::test]
async fn audit_events_cannot_be_edited_or_deleted() {
    let db = fresh().await;
    db.store.audit(event(Action::SignedOut)).await.unwrap();

    let edit = db.raw("UPDATE audit_events SET outcome = 'forged'").await;
    let delete = db.raw("DELETE FROM audit_events").await;

    assert_eq!(conflict(edit), Constraint::AuditEventsAppendOnly);
    assert_eq!(conflict(delete), Constraint::AuditEventsAppendOnly);
    assert_eq!(audit_chain::verify(db.store.as_ref()).await.unwrap(), Ok(1));
}

#[tokio::test]
async fn a_dropped_transaction_leaves_nothing_behind() {
    let db = fresh().await;
    let ann = user("ann@example.org");

    let mut tx = db.store.begin().await.unwrap();
    tx.insert_user(&ann).await.unwrap();
    tx.record(event(Action::UserCreated)).await.unwrap();
    drop(tx);

    assert_eq!(db.store.user_by_id(ann.id).await.unwrap(), None);
    assert_eq!(db.store.audit_head().await.unwrap().0, 0);
}

#[tokio::test]
async fn a_membership_of_a_missing_user_or_provider_names_the_foreign_key_on_both_backends() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    let provider = domain::ProviderId::new();
    let now = db.now_sql();
    let insert = format!(
        "INSERT INTO providers (id, name, created_at, updated_at)
         VALUES ('{}', 'Provider', {now}, {now})",
        provider.0
    );
    db.raw(&insert).await.expect("provider");

    let mut tx = db.store.begin().await.expect("begin");
    let no_provider = tx
        .add_membership(ann.id, domain::ProviderId::new(), start_time())
        .await;
    drop(tx);
    let mut tx = db.store.begin().await.expect("begin");
    let no_user = tx
        .add_membership(UserId::new(), provider, start_time())
        .await;

    assert_eq!(conflict(no_provider), Constraint::MembershipsProviderIdFkey);
    assert_eq!(conflict(no_user), Constraint::MembershipsUserIdFkey);
}

#[tokio::test]
async fn a_list_of_addresses_finds_each_account_once_and_skips_unknown_ones() {
    let db = fresh().await;
    let (ann, bob) = (
        db.add_user("ann@example.org").await,
        db.add_user("bob@example.org").await,
    );
    db.add_user("cy@example.org").await;
    let email = |text: &str| EmailAddress::parse(text).unwrap();

    let found = db
        .store
        .users_by_emails(&[
            email("BOB@example.org"),
            email("nobody@example.org"),
            email("ann@example.org"),
            email(" bob@example.org"),
        ])
        .await
        .unwrap();
    let none = db.store.users_by_emails(&[]).await.unwrap();

    assert_eq!(found, vec![ann, bob], "each once, by address");
    assert!(none.is_empty());
}
