//! Contract: the mail queue's leases and the audit chain, also under concurrency.

use super::*;

fn mail(n: i64) -> NewMail {
    NewMail {
        id: uuid::Uuid::new_v4(),
        recipient: format!("m{n}@example.org"),
        subject: format!("Message {n}"),
        body_sealed: vec![n as u8; 16],
        created_at: start_time() + Duration::seconds(n),
        message_id: format!("<m{n}@example.org>"),
        secret_of: None,
    }
}

async fn enqueue(store: &dyn Store, mails: &[NewMail]) {
    let mut tx = store.begin().await.unwrap();
    for mail in mails {
        tx.enqueue_mail(mail).await.unwrap();
    }
    tx.commit(event(Action::InvitationSent)).await.unwrap();
}

#[tokio::test]
async fn mail_is_leased_oldest_first_then_sent_or_retried_later() {
    let db = fresh().await;
    let mails: Vec<NewMail> = (0..3).map(mail).collect();
    enqueue(db.store.as_ref(), &mails).await;
    let now = start_time() + Duration::minutes(1);
    let lease = Duration::minutes(5);

    let first = db
        .store
        .claim_mail(now, now + lease, 2, "worker")
        .await
        .unwrap();
    let second = db
        .store
        .claim_mail(now, now + lease, 2, "worker")
        .await
        .unwrap();
    let leased = db
        .store
        .claim_mail(now, now + lease, 2, "worker")
        .await
        .unwrap();

    let ids = |batch: &[store::QueuedMail]| batch.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(&first), vec![mails[0].id, mails[1].id]);
    assert_eq!(ids(&second), vec![mails[2].id]);
    assert_eq!(first[0].recipient, "m0@example.org");
    assert_eq!(first[0].subject, "Message 0");
    assert_eq!(first[0].body_sealed, mails[0].body_sealed);
    assert_eq!(first[0].attempts, 1);
    assert!(
        leased.is_empty(),
        "leased messages are not handed out twice"
    );

    db.store.mail_sent(mails[0].id, now).await.unwrap();
    let retry_at = now + Duration::minutes(10);
    let failed = db.store.mail_failed(mails[1].id, retry_at, "refused");
    failed.await.unwrap();
    let after_lease = now + lease;
    let long_lease = after_lease + Duration::hours(1);
    let expired = db.store.claim_mail(after_lease, long_lease, 10, "worker");
    assert_eq!(ids(&expired.await.unwrap()), vec![mails[2].id]);
    let retried = db
        .store
        .claim_mail(retry_at, retry_at + lease, 10, "worker")
        .await;
    let retried = retried.unwrap();
    assert_eq!(ids(&retried), vec![mails[1].id]);
    assert_eq!(retried[0].attempts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_workers_claim_each_message_once() {
    let db = fresh().await;
    let mails: Vec<NewMail> = (0..30).map(mail).collect();
    enqueue(db.store.as_ref(), &mails).await;
    let now = start_time() + Duration::minutes(1);

    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let store = db.store.clone();
        workers.spawn(async move {
            let mut taken = Vec::new();
            loop {
                let batch = store
                    .claim_mail(now, now + Duration::minutes(5), 3, "worker")
                    .await;
                let batch = batch.unwrap();
                if batch.is_empty() {
                    return taken;
                }
                taken.extend(batch.into_iter().map(|m| m.id));
            }
        });
    }
    let taken: Vec<uuid::Uuid> = workers.join_all().await.into_iter().flatten().collect();

    let unique: HashSet<_> = taken.iter().collect();
    assert_eq!(taken.len(), 30, "each message once");
    assert_eq!(unique.len(), 30);
}

#[tokio::test]
async fn audit_events_chain_and_read_back_as_hashed() {
    let db = fresh().await;
    // Nanoseconds that the database cannot keep: the hash must not depend on them.
    let at = start_time() + Duration::nanoseconds(123_456_789);
    let detailed = NewAuditEvent::new(at, Actor::Cli, Action::UserCreated)
        .target("user", "u-1", "ann@example.org")
        .outcome("ok")
        .ip(Some("192.0.2.1".into()))
        .details(serde_json::json!({ "b": 1, "a": "é" }));
    db.store.audit(detailed).await.unwrap();
    let mut tx = db.store.begin().await.unwrap();
    tx.record(event(Action::InvitationSent)).await.unwrap();
    tx.commit(event(Action::SignInRequested)).await.unwrap();

    let events = db.store.audit_events_after(0, 10).await.unwrap();
    let (head_seq, head_hash) = db.store.audit_head().await.unwrap();

    assert_eq!(audit_chain::verify(db.store.as_ref()).await.unwrap(), Ok(3));
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(events[0].at, start_time() + Duration::microseconds(123_456));
    assert_eq!(events[0].actor_label, "cli");
    assert_eq!(events[0].action, "user.created");
    assert_eq!(events[0].ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(events[1].prev_hash, events[0].hash);
    assert_eq!((head_seq, head_hash), (3, events[2].hash.clone()));
    let page = db.store.audit_events_after(1, 1).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_appends_form_one_valid_chain() {
    let db = fresh().await;

    let mut appends = tokio::task::JoinSet::new();
    for i in 0..40 {
        let store = db.store.clone();
        appends.spawn(async move {
            let event = event(Action::SignInRequested).details(serde_json::json!({ "n": i }));
            store.audit(event).await
        });
    }
    for appended in appends.join_all().await {
        appended.unwrap();
    }

    assert_eq!(
        audit_chain::verify(db.store.as_ref()).await.unwrap(),
        Ok(40)
    );
}

#[tokio::test]
async fn leases_of_a_gone_owner_are_freed_and_a_live_owners_are_not() {
    let db = fresh().await;
    let mails: Vec<NewMail> = (0..3).map(mail).collect();
    enqueue(db.store.as_ref(), &mails).await;
    let now = start_time() + Duration::minutes(1);
    let lease = now + Duration::minutes(5);
    db.store.claim_mail(now, lease, 2, "gone").await.unwrap();
    db.store.claim_mail(now, lease, 1, "alive").await.unwrap();

    let freed = db.store.release_mail_leases("gone").await.unwrap();
    let retaken = db
        .store
        .claim_mail(now, lease, 10, "restarted")
        .await
        .unwrap();

    assert_eq!(freed, 2);
    let ids: Vec<_> = retaken.iter().map(|m| m.id).collect();
    assert_eq!(ids, [mails[0].id, mails[1].id], "not the live owner's");
    assert_eq!(retaken[0].message_id.as_deref(), Some("<m0@example.org>"));
}

#[tokio::test]
async fn a_message_with_a_new_secret_cancels_the_unsent_one_with_the_old() {
    let db = fresh().await;
    let ann = db.add_user("ann@example.org").await;
    let with_secret = |n| NewMail {
        secret_of: Some(ann.id),
        ..mail(n)
    };
    let (sent, stale, other) = (with_secret(0), with_secret(1), mail(2));
    enqueue(db.store.as_ref(), std::slice::from_ref(&sent)).await;
    let now = start_time() + Duration::minutes(1);
    db.store.claim_mail(now, now, 1, "w").await.unwrap();
    db.store.mail_sent(sent.id, now).await.unwrap();
    enqueue(db.store.as_ref(), &[stale, other.clone()]).await;

    let newer = with_secret(3);
    enqueue(db.store.as_ref(), std::slice::from_ref(&newer)).await;

    let due = db.store.claim_mail(now, now, 10, "w").await.unwrap();
    let ids: Vec<_> = due.iter().map(|m| m.id).collect();
    assert_eq!(ids, [other.id, newer.id]);
    let kept = format!(
        "UPDATE mail_queue SET subject = subject WHERE id = '{}'",
        sent.id
    );
    assert_eq!(
        db.raw(&kept).await.unwrap(),
        1,
        "a sent message's record stays"
    );
}
