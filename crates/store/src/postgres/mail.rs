//! The mail queue on PostgreSQL: the shared statements, and the lease, which differs.

use super::{PostgresStore, PostgresTx};

/// SKIP LOCKED: two workers claiming at once take different messages; a row another worker has
/// just leased fails the re-checked lease condition and is left out. Handed out oldest first,
/// as SQLite does.
const CLAIM: &str = "
WITH claimed AS (
  UPDATE mail_queue SET locked_until = $1, locked_by = $4, attempts = attempts + 1
  WHERE id IN (SELECT id FROM mail_queue
               WHERE sent_at IS NULL AND next_attempt_at <= $2
                 AND (locked_until IS NULL OR locked_until <= $2)
               ORDER BY created_at LIMIT $3
               FOR UPDATE SKIP LOCKED)
  RETURNING id, recipient, subject, body_sealed, attempts, message_id, created_at)
SELECT id, recipient, subject, body_sealed, attempts, message_id FROM claimed
ORDER BY created_at";

crate::mail::stamp_mail!(PostgresStore, PostgresTx; claim = CLAIM);
