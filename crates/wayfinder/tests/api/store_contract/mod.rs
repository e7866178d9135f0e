//! Storage stories that every backend must tell alike: they run on whichever database the run
//! uses (SQLite, or PostgreSQL with `TEST_DATABASE_URL`), and `scripts/test` runs both.

mod accounts;
mod audit_key;
mod listings;
mod mail_and_audit;
mod reports;
mod secrets;
mod sessions_and_limits;

use crate::helpers::{TestDatabase, start_time};
use domain::audit::{Action, Actor, NewAuditEvent};
use domain::{EmailAddress, Role, User, UserId};
use std::collections::HashSet;
use std::sync::Arc;
use store::audit_chain::{self, AuditKey};
use store::{
    Constraint, NewMail, NewSecret, RateRule, SecretKind, SessionRecord, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

/// A store on a fresh database with no server beside it, so that no mail worker claims or
/// sweeps while a story runs.
struct Fixture {
    store: Arc<dyn Store>,
    database: TestDatabase,
    _dir: tempfile::TempDir,
}

async fn fresh() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(dir.path()).await;
    let store = store::connect(&database.url, AuditKey([7; 32]))
        .await
        .expect("store");
    Fixture {
        store,
        database,
        _dir: dir,
    }
}

impl Fixture {
    async fn add_user(&self, email: &str) -> User {
        let user = user(email);
        let mut tx = self.store.begin().await.expect("begin");
        tx.insert_user(&user).await.expect("insert");
        tx.commit(event(Action::UserCreated)).await.expect("commit");
        user
    }

    async fn put_secret(&self, user_id: UserId, code: &[u8], token: &[u8]) {
        let mut tx = self.store.begin().await.expect("begin");
        tx.put_secret(&secret(user_id, code, token))
            .await
            .expect("put");
        tx.commit(event(Action::SignInRequested))
            .await
            .expect("commit");
    }

    /// Runs raw SQL on the database itself, past the `Store`.
    async fn raw(&self, sql: &str) -> Result<u64, StoreError> {
        store::admin::execute(&self.database.url, sql).await
    }

    /// A timestamp literal in this backend's SQL.
    fn now_sql(&self) -> &'static str {
        if self.database.is_postgres() {
            "now()"
        } else {
            "0"
        }
    }
}

fn user(email: &str) -> User {
    let now = start_time();
    User {
        id: UserId::new(),
        email: EmailAddress::parse(email).expect("email"),
        first_name: "Ann".into(),
        last_name: "Example".into(),
        role: Role::Admin,
        can_download_reports: true,
        invited_at: now,
        invitation_expires_at: now + Duration::days(7),
        activated_at: None,
        last_sign_in_at: Some(now + Duration::minutes(1)),
        created_at: now,
        updated_at: now,
    }
}

fn event(action: Action) -> NewAuditEvent {
    NewAuditEvent::new(start_time(), Actor::System, action)
}

fn secret(user_id: UserId, code: &[u8], token: &[u8]) -> NewSecret {
    NewSecret {
        user_id,
        kind: SecretKind::SignIn,
        code_hash: code.to_vec(),
        token_hash: token.to_vec(),
        browser_hash: Some(b"browser".to_vec()),
        expires_at: start_time() + Duration::minutes(10),
        created_at: start_time(),
    }
}

fn conflict(result: Result<impl std::fmt::Debug, StoreError>) -> Constraint {
    match result {
        Err(StoreError::Conflict(constraint)) => constraint,
        other => panic!("expected a constraint conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn the_run_uses_the_backend_it_was_asked_for() {
    let db = fresh().await;
    let asked_for_postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    assert_eq!(db.database.is_postgres(), asked_for_postgres);
    assert_eq!(store::is_postgres_url(&db.database.url), asked_for_postgres);
    db.store.ping().await.expect("the database answers");
}
