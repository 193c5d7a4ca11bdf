-- Durable reminders, used by Orleans' ADO.NET reminder table (there is no upstream SQLite
-- script for it; these are GridActors' own).
--
-- grain_hash: the provider passes the grain's uniform hash, an unsigned 32-bit number, cast to a
-- SIGNED int, and asks for ring ranges with signed bounds. Keep it signed as given: the range
-- queries compare signed values and still select exactly the unsigned ring range.
-- start_time: a UTC instant as Microsoft.Data.Sqlite writes a DateTime (text, no zone suffix);
-- it reads back unchanged and the provider marks it UTC.
-- period_ms: the period in milliseconds. version: the reminder's ETag, 0 on creation.
CREATE TABLE IF NOT EXISTS reminder
(
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    start_time    TEXT    NOT NULL,
    period_ms     INTEGER NOT NULL,
    grain_hash    INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS reminder_by_hash ON reminder (service_id, grain_hash);
