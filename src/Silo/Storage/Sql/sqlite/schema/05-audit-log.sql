-- The audit log of personal-data reads (个人信息查阅记录), written by src/Silo/Storage/AuditLogStore.cs: one row per read,
-- only ever inserted, so an append costs the same however long a county's day has grown (docs/storage.md, "The audit log").
--
-- id is the rowid: SQLite has one writer at a time, so ids grow in the order entries commit and a page ending at id n is
-- never followed by an entry below n. No AUTOINCREMENT: rows are never deleted from the top, so max(rowid) + 1 never
-- gives an id twice, and AUTOINCREMENT would write its counter table on every insert.
-- county: the first six digits of unit; day: the read's date in China time (YYYY-MM-DD); at: UTC, ISO 8601.
-- A page of a county's day walks the index from the last id it showed; unit is in the index so a village's count and
-- page filter read only the index.
CREATE TABLE IF NOT EXISTS audit_log
(
    id         INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL,
    county     TEXT NOT NULL,
    day        TEXT NOT NULL,
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    app        TEXT NOT NULL,
    what       TEXT NOT NULL,
    unit       TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS audit_log_county_day ON audit_log (service_id, county, day, id, unit);
