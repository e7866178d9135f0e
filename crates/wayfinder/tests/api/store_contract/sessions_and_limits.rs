//! Contract: session lifetimes, sweeping, and sliding-window rate limits.

use super::*;

#[tokio::test]
async fn sessions_end_when_idle_or_at_their_absolute_limit() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    let start = start_time();
    let idle = Duration::minutes(30);
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_session(&SessionRecord {
        id_hash: b"session".to_vec(),
        user_id: ann.id,
        created_at: start,
        last_seen_at: start,
        expires_at: start + Duration::hours(12),
    })
    .await
    .unwrap();
    tx.commit(event(Action::SignInSucceeded)).await.unwrap();
    let at = |minutes: i64| start + Duration::minutes(minutes);

    let live = db.store.session(b"session", at(29), idle).await.unwrap();
    let record = live.expect("live before the idle limit");
    assert_eq!(record.user_id, ann.id);
    assert_eq!(record.expires_at, start + Duration::hours(12));
    assert!(
        db.store
            .session(b"session", at(30), idle)
            .await
            .unwrap()
            .is_none()
    );

    // Kept busy, it still ends at the absolute limit.
    for minutes in (20..=720).step_by(20) {
        db.store
            .touch_session(b"session", at(minutes))
            .await
            .unwrap();
    }
    assert!(
        db.store
            .session(b"session", at(719), idle)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        db.store
            .session(b"session", at(720), idle)
            .await
            .unwrap()
            .is_none()
    );

    let mut tx = db.store.begin().await.unwrap();
    tx.delete_session(b"session").await.unwrap();
    tx.commit(event(Action::SignedOut)).await.unwrap();
    assert!(
        db.store
            .session(b"session", at(1), idle)
            .await
            .unwrap()
            .is_none()
    );
}

const RULES: &[RateRule] = &[
    RateRule {
        window: Duration::seconds(60),
        max: 1,
    },
    RateRule {
        window: Duration::hours(1),
        max: 5,
    },
];

#[tokio::test]
async fn a_rate_limit_slides_and_says_how_long_to_wait() {
    let db = fresh().await;
    let start = start_time();
    let at = |seconds: i64| start + Duration::seconds(seconds);
    let hit = |now: OffsetDateTime| db.store.rate_limit_hit("bucket", now, RULES);

    assert_eq!(hit(at(0)).await.unwrap(), None);
    assert_eq!(hit(at(10)).await.unwrap(), Some(Duration::seconds(50)));
    for minute in 1..=4 {
        assert_eq!(hit(at(60 * minute)).await.unwrap(), None);
    }
    // Five in the hour: the first must leave the window.
    assert_eq!(hit(at(300)).await.unwrap(), Some(Duration::seconds(3300)));
    assert_eq!(hit(at(3600)).await.unwrap(), None);
    let other = db.store.rate_limit_hit("other", at(3600), RULES).await;
    assert_eq!(other.unwrap(), None, "buckets are independent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_hits_never_exceed_a_limit() {
    let db = fresh().await;
    let rules = [RateRule {
        window: Duration::hours(1),
        max: 5,
    }];

    let mut hits = tokio::task::JoinSet::new();
    for i in 0..20 {
        let store = db.store.clone();
        let now = start_time() + Duration::milliseconds(i);
        hits.spawn(async move { store.rate_limit_hit("bucket", now, &rules).await });
    }
    let answers = hits.join_all().await;

    let allowed = answers
        .into_iter()
        .filter(|a| a.as_ref().unwrap().is_none());
    assert_eq!(allowed.count(), 5);
}

#[tokio::test]
async fn sweeping_removes_ended_sessions_and_long_expired_secrets() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    db.put_secret(ann.id, b"code", b"link").await;
    let start = start_time();
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_session(&SessionRecord {
        id_hash: b"session".to_vec(),
        user_id: ann.id,
        created_at: start,
        last_seen_at: start,
        expires_at: start + Duration::hours(1),
    })
    .await
    .unwrap();
    tx.commit(event(Action::SignInSucceeded)).await.unwrap();

    db.store.sweep(start + Duration::hours(2)).await.unwrap();
    let soon = start + Duration::minutes(11);
    assert_eq!(
        db.store.link_state(b"link", soon).await.unwrap(),
        store::LinkState::Expired,
        "an expired link is kept a day to say so"
    );
    db.store.sweep(start + Duration::days(2)).await.unwrap();

    assert_eq!(
        db.store.link_state(b"link", soon).await.unwrap(),
        store::LinkState::Unknown
    );
    let session = db
        .store
        .session(b"session", start, Duration::hours(1))
        .await;
    assert!(session.unwrap().is_none());
}
