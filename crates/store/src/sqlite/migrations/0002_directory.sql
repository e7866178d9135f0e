-- Categories, and the listings that use them (listings are filled by the kiosk work).

CREATE TABLE categories (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    colour TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT categories_name_length CHECK (length(name) BETWEEN 1 AND 100),
    CONSTRAINT categories_colour_format CHECK (
        colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
    )
);
CREATE UNIQUE INDEX categories_name_key ON categories (lower(name));

CREATE TABLE listings (
    id TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    eligibility_notes TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT 'any',
    min_age INTEGER,
    max_age INTEGER,
    indigenous TEXT NOT NULL DEFAULT 'any',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT listings_kind_known CHECK (kind IN ('information', 'booking')),
    CONSTRAINT listings_gender_known CHECK (gender IN ('any', 'male', 'female')),
    CONSTRAINT listings_indigenous_known CHECK (
        indigenous IN ('any', 'aboriginal_or_torres_strait_islander', 'non_indigenous')
    ),
    CONSTRAINT listings_ages_ordered CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)
);
CREATE INDEX listings_provider ON listings (provider_id);

CREATE TABLE listing_categories (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    CONSTRAINT listing_categories_pkey PRIMARY KEY (listing_id, category_id)
);
CREATE INDEX listing_categories_category ON listing_categories (category_id);

-- The users grid sorts by name, case-insensitively.
CREATE INDEX users_names ON users (lower(last_name), lower(first_name), email);
CREATE INDEX audit_events_action ON audit_events (action);
