-- The audit log of personal-data reads (个人信息查阅记录), written by src/Silo/Storage/AuditLogStore.cs: one row per read,
-- only ever inserted, so an append costs the same however long a county's day has grown (docs/storage.md, "The audit log").
--
-- county: the first six digits of unit; day: the read's date in China time. A page of a county's day is a walk along the
-- key from the last id it showed; unit rides in the key's index so the count of a village's entries reads only the index.
--
-- id grows in the order entries commit, across every county and day, so a page ending at id n is never followed by an
-- entry below n: the writers of all silos take one advisory lock for the transaction that inserts (AuditLogSql).
CREATE TABLE IF NOT EXISTS audit_log
(
    service_id varchar(150) NOT NULL,
    county     varchar(6)   NOT NULL,
    day        date         NOT NULL,
    id         bigint       GENERATED ALWAYS AS IDENTITY,
    at         timestamptz  NOT NULL,
    key_id     text         NOT NULL,
    app        text         NOT NULL,
    what       text         NOT NULL,
    unit       text         NOT NULL,
    CONSTRAINT audit_log_identity PRIMARY KEY (service_id, county, day, id) INCLUDE (unit)
);
