-- When a kiosk client's sealed name is due for erasure: the end of the session's last
-- appointment, set at submit. Stored, so that the sweep compares one column on both databases
-- instead of adding minutes to a start time in each dialect.
ALTER TABLE kiosk_sessions ADD COLUMN name_erase_at INTEGER;
CREATE INDEX kiosk_sessions_name_erase ON kiosk_sessions (name_erase_at)
    WHERE client_name_sealed IS NOT NULL;
