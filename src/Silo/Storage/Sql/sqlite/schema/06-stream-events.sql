-- The queues of GridActors' durable event stream (docs/event-path.md): an event is appended here in the same transaction
-- as the grain state whose change owes it, and the stream's receiver for queue_id reads it past its checkpoint and deletes
-- it once delivered. SQLite has one writer, so seqs are handed out in commit order; AUTOINCREMENT keeps a seq from being
-- handed out again after its row is deleted (a receiver's checkpoint would skip the new row).
CREATE TABLE IF NOT EXISTS stream_event
(
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id  TEXT    NOT NULL,
    queue_id    INTEGER NOT NULL,
    ns          TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    appended_at TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS stream_event_queue ON stream_event (service_id, queue_id, seq);
