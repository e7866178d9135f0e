//! Contract: sign-in secrets (newest wins, counted tries, single use) and the setup token.

use super::*;

#[tokio::test]
async fn the_newest_secret_wins_and_starts_with_no_tries() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    let now = start_time();
    db.put_secret(ann.id, b"old-code", b"old-link").await;
    db.store.count_code_attempt(ann.id, now).await.unwrap();

    db.put_secret(ann.id, b"new-code", b"new-link").await;

    let attempt = db.store.count_code_attempt(ann.id, now).await.unwrap();
    let attempt = attempt.expect("a live code");
    assert_eq!(attempt.code_hash, b"new-code");
    assert_eq!(attempt.browser_hash.as_deref(), Some(&b"browser"[..]));
    assert_eq!(attempt.attempts, 1);
    let mut tx = db.store.begin().await.unwrap();
    let old = tx.take_secret_by_code(ann.id, b"old-code", now).await;
    assert_eq!(old.unwrap(), None);
    let new = tx.take_secret_by_code(ann.id, b"new-code", now).await;
    assert_eq!(new.unwrap(), Some(SecretKind::SignIn));
    assert_eq!(
        db.store.link_state(b"old-link", now).await.unwrap(),
        store::LinkState::Unknown
    );
}

#[tokio::test]
async fn a_code_counts_five_tries_and_the_fifth_may_still_be_right() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    db.put_secret(ann.id, b"code", b"link").await;
    let now = start_time();

    for expected in 1..=5 {
        let attempt = db.store.count_code_attempt(ann.id, now).await.unwrap();
        assert_eq!(attempt.map(|a| a.attempts), Some(expected));
    }
    let sixth = db.store.count_code_attempt(ann.id, now).await.unwrap();

    assert!(sixth.is_none(), "no sixth try");
    let mut tx = db.store.begin().await.unwrap();
    let fifth_right = tx.take_secret_by_code(ann.id, b"code", now).await;
    assert_eq!(fifth_right.unwrap(), Some(SecretKind::SignIn));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_code_tries_are_counted_atomically() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    db.put_secret(ann.id, b"code", b"link").await;

    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let store = db.store.clone();
        tries.spawn(async move { store.count_code_attempt(ann.id, start_time()).await });
    }
    let counted = tries.join_all().await;

    let allowed: Vec<i64> = counted
        .into_iter()
        .filter_map(|a| a.unwrap().map(|a| a.attempts))
        .collect();
    let mut sorted = allowed.clone();
    sorted.sort();
    assert_eq!(sorted, vec![1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn an_expired_code_counts_no_try_and_its_link_says_expired() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    db.put_secret(ann.id, b"code", b"link").await;
    let expiry = start_time() + Duration::minutes(10);

    let live = db.store.link_state(b"link", expiry - Duration::seconds(1));
    assert_eq!(live.await.unwrap(), store::LinkState::Live);
    assert!(
        db.store
            .count_code_attempt(ann.id, expiry)
            .await
            .unwrap()
            .is_none()
    );
    let state = db.store.link_state(b"link", expiry).await.unwrap();
    assert_eq!(state, store::LinkState::Expired);
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.take_secret_by_token(b"link", expiry).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_link_is_taken_once() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    db.put_secret(ann.id, b"code", b"link").await;
    let now = start_time();

    let mut tx = db.store.begin().await.unwrap();
    let first = tx.take_secret_by_token(b"link", now).await.unwrap();
    tx.commit(event(Action::SignInSucceeded)).await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    let second = tx.take_secret_by_token(b"link", now).await.unwrap();

    assert_eq!(first, Some((ann.id, SecretKind::SignIn)));
    assert_eq!(second, None);
    let state = db.store.link_state(b"link", now).await.unwrap();
    assert_eq!(state, store::LinkState::Unknown);
}

#[tokio::test]
async fn the_setup_token_is_replaced_and_taken_once() {
    let db = fresh().await;
    let now = start_time();
    let expires = now + Duration::hours(1);
    for token in [&b"first"[..], b"second"] {
        let mut tx = db.store.begin().await.unwrap();
        tx.put_setup_token(token, expires, now).await.unwrap();
        tx.commit(event(Action::SetupLinkIssued)).await.unwrap();
    }

    assert!(!db.store.setup_token_valid(b"first", now).await.unwrap());
    assert!(db.store.setup_token_valid(b"second", now).await.unwrap());
    assert!(
        !db.store
            .setup_token_valid(b"second", expires)
            .await
            .unwrap()
    );
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.take_setup_token(b"second", now).await.unwrap());
    assert!(!tx.take_setup_token(b"second", now).await.unwrap());
}
