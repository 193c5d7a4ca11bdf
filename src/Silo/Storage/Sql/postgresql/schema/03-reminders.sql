-- Durable reminders, used by Orleans' ADO.NET reminder table.
--
-- grain_hash: the provider passes the grain's uniform hash, an unsigned 32-bit number, cast to a
-- SIGNED int, and asks for ring ranges with signed bounds. Keep it signed as given: the range
-- queries compare signed values and still select exactly the unsigned ring range.
-- start_time: a UTC instant (timestamptz, so the session time zone cannot shift it).
-- period_ms: the period in milliseconds. version: the reminder's ETag, 0 on creation.
CREATE TABLE IF NOT EXISTS reminder
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    CONSTRAINT reminder_identity PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS reminder_by_hash ON reminder (service_id, grain_hash);
