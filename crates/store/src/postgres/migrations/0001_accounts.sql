-- Accounts, providers, sign-in, sessions, limits, mail and audit (PostgreSQL).
-- Same tables, columns and constraint names as the SQLite migration of the same name, in native
-- types: uuid ids, timestamptz times (microseconds, UTC), boolean flags, bytea hashes.

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    role text NOT NULL,
    can_download_reports boolean NOT NULL DEFAULT false,
    invited_at timestamptz NOT NULL,
    invitation_expires_at timestamptz NOT NULL,
    activated_at timestamptz,
    last_sign_in_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT users_email_canonical CHECK (
        email = lower(btrim(email)) AND length(email) BETWEEN 3 AND 254
        AND position('@' IN email) > 1
    ),
    CONSTRAINT users_first_name_length CHECK (length(first_name) BETWEEN 1 AND 100),
    CONSTRAINT users_last_name_length CHECK (length(last_name) BETWEEN 1 AND 100),
    CONSTRAINT users_role_known CHECK (role IN ('admin', 'user'))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The email address is the identity: nothing may change it, not even a direct UPDATE.
CREATE FUNCTION users_email_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.email IS DISTINCT FROM OLD.email THEN
        RAISE EXCEPTION 'users_email_immutable'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_email_immutable',
                  TABLE = 'users', COLUMN = 'email';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_email_immutable BEFORE UPDATE OF email ON users
    FOR EACH ROW EXECUTE FUNCTION users_email_immutable();

CREATE TABLE providers (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    booking_email text NOT NULL DEFAULT '',
    contact_email text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    address text NOT NULL DEFAULT '',
    is_fallback boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- At most one fallback provider.
CREATE UNIQUE INDEX providers_one_fallback ON providers (is_fallback) WHERE is_fallback;

CREATE TABLE memberships (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id, provider_id)
);
CREATE INDEX memberships_provider ON memberships (provider_id);

-- One live secret per user: issuing a new one replaces the old (newest wins).
CREATE TABLE sign_in_secrets (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    code_hash bytea NOT NULL,
    token_hash bytea NOT NULL,
    browser_hash bytea,
    attempts bigint NOT NULL DEFAULT 0,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT sign_in_secrets_kind_known CHECK (kind IN ('sign_in', 'invitation'))
);
CREATE UNIQUE INDEX sign_in_secrets_token_key ON sign_in_secrets (token_hash);

CREATE TABLE setup_tokens (
    id integer PRIMARY KEY CHECK (id = 1),
    token_hash bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE sessions (
    id_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE rate_limit_hits (
    bucket text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_bucket_at ON rate_limit_hits (bucket, at);

CREATE TABLE mail_queue (
    id uuid PRIMARY KEY,
    recipient text NOT NULL,
    subject text NOT NULL,
    body_sealed bytea,
    attempts bigint NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE sent_at IS NULL;

-- `details` is text, not jsonb: the chain hashes it exactly as written.
CREATE TABLE audit_events (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id text,
    actor_label text NOT NULL,
    action text NOT NULL,
    target_kind text,
    target_id text,
    target_label text,
    outcome text NOT NULL,
    ip text,
    details text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);

-- The chain head, updated in the same transaction as each append, so that removing the newest
-- events is detectable too. Appending locks this row first (SELECT … FOR UPDATE), which
-- serialises appends from every instance into one chain.
CREATE TABLE audit_head (
    id integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Append-only: the application never edits, deletes or truncates an event.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events_append_only'
        USING ERRCODE = 'restrict_violation', CONSTRAINT = 'audit_events_append_only',
              TABLE = 'audit_events';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
