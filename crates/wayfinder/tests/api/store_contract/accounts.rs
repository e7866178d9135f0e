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
