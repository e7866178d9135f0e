-- When a station last opened a kiosk page or called the kiosk API (SPEC §8.2 "last used").
ALTER TABLE stations ADD COLUMN last_used_at INTEGER;
