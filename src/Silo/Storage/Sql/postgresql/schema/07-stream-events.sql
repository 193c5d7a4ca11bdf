-- The queues of GridActors' durable event stream (docs/event-path.md): an event is appended here in the same transaction
-- as the grain state whose change owes it, and the stream's receiver for queue_id reads it past its checkpoint and deletes
-- it once delivered. queue_id is the stream's queue on the hash ring (Streams:Queues); seq orders a queue's events: the
-- appending transaction holds pg_advisory_xact_lock(class, queue_id) from its insert to its commit, so the events of one
-- queue become visible in seq order and a reader remembering the last seq it saw never skips a later-committing one.
CREATE TABLE IF NOT EXISTS stream_event
(
    seq         bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id  varchar(150) NOT NULL,
    queue_id    bigint       NOT NULL,
    ns          text         NOT NULL,
    key         text         NOT NULL,
    payload     bytea        NOT NULL,
    appended_at timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS stream_event_queue ON stream_event (service_id, queue_id, seq);
