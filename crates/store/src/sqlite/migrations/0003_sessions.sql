-- Kiosk stations, appointment slots, and the recorded kiosk sessions (the session data).
-- A session keeps the names it showed (categories, providers, listings, slot times), so that
-- reports stay true after a listing or provider is renamed or deleted.

CREATE TABLE stations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT stations_name_length CHECK (length(name) BETWEEN 1 AND 100)
);
CREATE UNIQUE INDEX stations_token_key ON stations (token_hash);

CREATE TABLE kiosk_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations (id),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    outcome TEXT,
    consented_at INTEGER,
    gender TEXT,
    age INTEGER,
    indigenous_status TEXT,
    -- Encrypted (AES-256-GCM); only with a booking, erased after the appointment.
    client_name_sealed BLOB,
    CONSTRAINT kiosk_sessions_outcome_known CHECK (
        outcome IS NULL OR outcome IN ('completed', 'cancelled', 'abandoned')
    ),
    CONSTRAINT kiosk_sessions_age_range CHECK (age IS NULL OR age BETWEEN 0 AND 130)
);
CREATE INDEX kiosk_sessions_started ON kiosk_sessions (started_at);
-- The few sessions that still hold a client's name, for the sweep that erases them.
CREATE INDEX kiosk_sessions_named ON kiosk_sessions (id) WHERE client_name_sealed IS NOT NULL;

CREATE TABLE slots (
    id TEXT PRIMARY KEY NOT NULL,
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL,
    -- One client per slot.
    booked_by_session TEXT REFERENCES kiosk_sessions (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT slots_duration_range CHECK (duration_minutes BETWEEN 5 AND 480)
);
CREATE INDEX slots_listing ON slots (listing_id, starts_at);

CREATE TABLE kiosk_session_categories (
    session_id TEXT NOT NULL REFERENCES kiosk_sessions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    category_id TEXT REFERENCES categories (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    CONSTRAINT kiosk_session_categories_pkey PRIMARY KEY (session_id, position)
);

CREATE TABLE kiosk_selections (
    session_id TEXT NOT NULL REFERENCES kiosk_sessions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    listing_id TEXT REFERENCES listings (id) ON DELETE SET NULL,
    provider_id TEXT REFERENCES providers (id) ON DELETE SET NULL,
    provider_name TEXT NOT NULL,
    listing_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    slot_id TEXT REFERENCES slots (id) ON DELETE SET NULL,
    slot_starts_at INTEGER,
    is_fallback INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT kiosk_selections_pkey PRIMARY KEY (session_id, position),
    CONSTRAINT kiosk_selections_kind_known CHECK (kind IN ('information', 'booking'))
);
CREATE INDEX kiosk_selections_provider ON kiosk_selections (provider_id, session_id);
