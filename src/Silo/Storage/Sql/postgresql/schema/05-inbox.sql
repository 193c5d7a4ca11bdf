-- The inbox log of GridActors' group-commit grain storage (docs/storage.md, "The inbox log"): a notice an issue owes a
-- queue or a grid's statistics, stored in the issue's own transaction and removed by the receiver's write that applies it.
--
-- post_name: the notice's id (32 hex digits of a UUIDv7, so ordered by time), '/', the receiver grain as Orleans prints it.
-- The key starts with post_name, so taking a receiver's notices (post_name = ANY(...)) can only be run as one probe of
-- the key per notice or as a scan of this short table: never as a walk through another table's rows. In grain_states,
-- under a grain_id of 'inbox', a generic plan estimated that id's rows as one (grain ids are nearly all distinct) and
-- filtered every live and dead row of the log for each take: 9 ms a statement, half of PostgreSQL's time per report.
CREATE TABLE IF NOT EXISTS grain_inbox
(
    post_name  text         NOT NULL,
    service_id varchar(150) NOT NULL,
    payload    bytea        NOT NULL,
    posted_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT grain_inbox_identity PRIMARY KEY (post_name, service_id)
);
