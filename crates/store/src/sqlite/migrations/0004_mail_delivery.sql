-- Mail delivery after a crash: who holds a lease (so that a restarted instance takes back its
-- own at once), the Message-ID fixed when the message is queued (so that a message delivered
-- twice carries it both times), and whose sign-in secret a message carries (so that a newer
-- secret cancels the older message that still waits).
ALTER TABLE mail_queue ADD COLUMN locked_by TEXT;
ALTER TABLE mail_queue ADD COLUMN message_id TEXT;
ALTER TABLE mail_queue ADD COLUMN secret_of TEXT;
CREATE INDEX mail_queue_locked_by ON mail_queue (locked_by) WHERE locked_by IS NOT NULL;
CREATE INDEX mail_queue_secret_of ON mail_queue (secret_of) WHERE sent_at IS NULL;
