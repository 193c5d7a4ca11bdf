-- Grain state, written by GridActors' group-commit grain storage (src/Silo/Storage/GroupCommitGrainStorage.cs).
--
-- Identity: the service, the grain as Orleans prints it (type and key, e.g. "issue/0b9c..." or "grid/340822100201003")
-- and the state's name. The grain type is part of the key, so two grain types never share a row.
--
-- Versions. version is the ETag the grain holds: 1 after the first write, +1 on every write or clear. A write or
-- clear that carries any other version changes no row, and the storage reports InconsistentStateException; of two
-- first writes, the primary key lets one insert. A clear keeps the row with a NULL payload, so its version goes on
-- counting.
CREATE TABLE IF NOT EXISTS grain_states
(
    service_id  TEXT    NOT NULL,
    grain_id    TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    payload     BLOB,
    modified_at TEXT    NOT NULL,
    PRIMARY KEY (service_id, grain_id, state_name)
) WITHOUT ROWID;
