-- The kiosk flow: when a live session last answered a request, for the sweep that abandons
-- sessions left alone for 30 minutes (SPEC §8.3). Sessions recorded before this column have none
-- and count from their start.

ALTER TABLE kiosk_sessions ADD COLUMN last_activity_at INTEGER;
-- Only live sessions are swept; ended ones never leave the index's predicate again.
CREATE INDEX kiosk_sessions_live ON kiosk_sessions (last_activity_at) WHERE ended_at IS NULL;
