-- Appointment slots as the dashboard and the kiosk use them: one slot per listing and start
-- time, a kiosk hold, and a booking that no code path can give to a second client.

-- One slot per listing and start time (also the index the Slots page reads by).
DROP INDEX slots_listing;
ALTER TABLE slots ADD CONSTRAINT slots_listing_start_key UNIQUE (listing_id, starts_at);
-- The day sheet and the free-slot summary read by start time across listings.
CREATE INDEX slots_starts ON slots (starts_at);

-- A kiosk session choosing the slot right now; the hold lapses at held_until.
ALTER TABLE slots
    ADD COLUMN held_by_session uuid REFERENCES kiosk_sessions (id) ON DELETE SET NULL,
    ADD COLUMN held_until timestamptz,
    ADD CONSTRAINT slots_hold_complete CHECK ((held_by_session IS NULL) = (held_until IS NULL)),
    -- A booked slot holds for nobody: booking turns the hold into the booking.
    ADD CONSTRAINT slots_held_or_booked CHECK (held_by_session IS NULL OR booked_by_session IS NULL);

-- A booking is cleared (cancelled) before the slot can be booked again; it is never handed from
-- one session to another.
CREATE FUNCTION slots_booking_not_replaced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.booked_by_session IS NOT NULL AND NEW.booked_by_session IS NOT NULL
        AND NEW.booked_by_session <> OLD.booked_by_session THEN
        RAISE EXCEPTION 'slots_booking_not_replaced'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'slots_booking_not_replaced',
                  TABLE = 'slots', COLUMN = 'booked_by_session';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER slots_booking_not_replaced BEFORE UPDATE OF booked_by_session ON slots
    FOR EACH ROW EXECUTE FUNCTION slots_booking_not_replaced();
