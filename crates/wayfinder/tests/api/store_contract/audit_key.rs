//! `audit verify` with another server secret says the key is wrong instead of blaming seq 1.

use super::{event, fresh};
use domain::audit::Action;
use store::audit_chain::{self, AuditKey, ChainBroken, WRONG_KEY};

#[tokio::test]
async fn verifying_with_another_key_reports_a_wrong_key_not_a_changed_event() {
    let db = fresh().await;
    for action in [
        Action::UserCreated,
        Action::InvitationSent,
        Action::SignInRequested,
    ] {
        db.store.audit(event(action)).await.unwrap();
    }
    let other_key = store::connect(&db.database.url, AuditKey([8; 32]))
        .await
        .unwrap();

    let verified = audit_chain::verify(other_key.as_ref()).await.unwrap();

    assert_eq!(
        verified,
        Err(ChainBroken {
            seq: 1,
            reason: WRONG_KEY
        })
    );
    assert_eq!(audit_chain::verify(db.store.as_ref()).await.unwrap(), Ok(3));
}

#[tokio::test]
async fn an_edited_event_with_the_right_key_is_still_a_changed_event() {
    let db = fresh().await;
    for action in [
        Action::UserCreated,
        Action::InvitationSent,
        Action::SignInRequested,
    ] {
        db.store.audit(event(action)).await.unwrap();
    }
    let unguard = if db.database.is_postgres() {
        "ALTER TABLE audit_events DISABLE TRIGGER USER"
    } else {
        "DROP TRIGGER audit_events_no_update"
    };
    db.raw(unguard).await.unwrap();
    db.raw("UPDATE audit_events SET outcome = 'denied' WHERE seq = 1")
        .await
        .unwrap();

    let verified = audit_chain::verify(db.store.as_ref()).await.unwrap();

    let broken = verified.unwrap_err();
    assert_eq!(broken.seq, 1);
    assert_ne!(broken.reason, WRONG_KEY);
}
