-- Accounts, providers, sign-in, sessions, limits, mail and audit.
-- Times are INTEGER microseconds since the Unix epoch (UTC); ids are TEXT UUIDs.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    role TEXT NOT NULL,
    can_download_reports INTEGER NOT NULL DEFAULT 0,
    invited_at INTEGER NOT NULL,
    invitation_expires_at INTEGER NOT NULL,
    activated_at INTEGER,
    last_sign_in_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT users_email_canonical CHECK (
        email = lower(trim(email)) AND length(email) BETWEEN 3 AND 254 AND instr(email, '@') > 1
    ),
    CONSTRAINT users_first_name_length CHECK (length(first_name) BETWEEN 1 AND 100),
    CONSTRAINT users_last_name_length CHECK (length(last_name) BETWEEN 1 AND 100),
    CONSTRAINT users_role_known CHECK (role IN ('admin', 'user')),
    CONSTRAINT users_can_download_reports_bool CHECK (can_download_reports IN (0, 1))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The email address is the identity: nothing may change it, not even a direct UPDATE.
CREATE TRIGGER users_email_immutable BEFORE UPDATE OF email ON users
WHEN NEW.email IS NOT OLD.email
BEGIN
    SELECT RAISE(ABORT, 'users_email_immutable');
END;

CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    booking_email TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    is_fallback INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT providers_is_fallback_bool CHECK (is_fallback IN (0, 1))
);
-- At most one fallback provider.
CREATE UNIQUE INDEX providers_one_fallback ON providers (is_fallback) WHERE is_fallback = 1;

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id, provider_id)
);
CREATE INDEX memberships_provider ON memberships (provider_id);

-- One live secret per user: issuing a new one replaces the old (newest wins).
CREATE TABLE sign_in_secrets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    code_hash BLOB NOT NULL,
    token_hash BLOB NOT NULL,
    browser_hash BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT sign_in_secrets_kind_known CHECK (kind IN ('sign_in', 'invitation'))
);
CREATE UNIQUE INDEX sign_in_secrets_token_key ON sign_in_secrets (token_hash);

CREATE TABLE setup_tokens (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    token_hash BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE rate_limit_hits (
    bucket TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX rate_limit_hits_bucket_at ON rate_limit_hits (bucket, at);

CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_sealed BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY NOT NULL,
    at INTEGER NOT NULL,
    actor_id TEXT,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT,
    target_id TEXT,
    target_label TEXT,
    outcome TEXT NOT NULL,
    ip TEXT,
    details TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);

-- The chain head, updated in the same transaction as each append, so that removing the newest
-- events is detectable too.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

-- Append-only: the application never edits or deletes an event.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events_append_only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events_append_only');
END;
