//! The mail queue on SQLite: the shared statements, and the lease, which differs.

use super::{SqliteStore, SqliteTx};

/// One writer at a time: no other worker can lease the same rows meanwhile, so the plain
/// subquery is enough (PostgreSQL needs `FOR UPDATE SKIP LOCKED`).
const CLAIM: &str = "
UPDATE mail_queue SET locked_until = $1, locked_by = $4, attempts = attempts + 1
WHERE id IN (SELECT id FROM mail_queue
             WHERE sent_at IS NULL AND next_attempt_at <= $2
               AND (locked_until IS NULL OR locked_until <= $2)
             ORDER BY created_at LIMIT $3)
RETURNING id, recipient, subject, body_sealed, attempts, message_id";

crate::mail::stamp_mail!(SqliteStore, SqliteTx; claim = CLAIM);
