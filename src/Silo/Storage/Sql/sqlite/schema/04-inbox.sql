-- The inbox log of GridActors' group-commit grain storage (docs/storage.md, "The inbox log"): a notice an issue owes a
-- queue or a grid's statistics, stored in the issue's own transaction and removed by the receiver's write that applies it.
--
-- post_name: the notice's id (32 hex digits of a UUIDv7, so ordered by time), '/', the receiver grain as Orleans prints
-- it. New notices are appended at the end of the key's tree; a take is one probe of the key per notice.
CREATE TABLE IF NOT EXISTS grain_inbox
(
    post_name  TEXT NOT NULL,
    service_id TEXT NOT NULL,
    payload    BLOB NOT NULL,
    posted_at  TEXT NOT NULL,
    PRIMARY KEY (post_name, service_id)
) WITHOUT ROWID;
