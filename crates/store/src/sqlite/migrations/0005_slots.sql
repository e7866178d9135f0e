-- Appointment slots as the dashboard and the kiosk use them: one slot per listing and start
-- time, a kiosk hold, and a booking that no code path can give to a second client.

-- One slot per listing and start time (also the index the Slots page reads by).
DROP INDEX slots_listing;
CREATE UNIQUE INDEX slots_listing_start_key ON slots (listing_id, starts_at);
-- The day sheet and the free-slot summary read by start time across listings.
CREATE INDEX slots_starts ON slots (starts_at);

-- A kiosk session choosing the slot right now; the hold lapses at held_until.
ALTER TABLE slots ADD COLUMN held_by_session TEXT REFERENCES kiosk_sessions (id) ON DELETE SET NULL;
ALTER TABLE slots ADD COLUMN held_until INTEGER
    CONSTRAINT slots_hold_complete CHECK ((held_by_session IS NULL) = (held_until IS NULL))
    -- A booked slot holds for nobody: booking turns the hold into the booking.
    CONSTRAINT slots_held_or_booked CHECK (held_by_session IS NULL OR booked_by_session IS NULL);

-- A booking is cleared (cancelled) before the slot can be booked again; it is never handed from
-- one session to another.
CREATE TRIGGER slots_booking_not_replaced BEFORE UPDATE OF booked_by_session ON slots
    FOR EACH ROW
    WHEN OLD.booked_by_session IS NOT NULL AND NEW.booked_by_session IS NOT NULL
        AND NEW.booked_by_session <> OLD.booked_by_session
BEGIN
    SELECT RAISE(ABORT, 'slots_booking_not_replaced');
END;
