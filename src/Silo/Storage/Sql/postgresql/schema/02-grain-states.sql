-- Grain state, written by GridActors' group-commit grain storage (src/Silo/Storage/GroupCommitGrainStorage.cs).
--
-- Identity: the service, the grain as Orleans prints it (type and key, e.g. "issue/0b9c..." or "grid/340822100201003")
-- and the state's name. The grain type is part of the key, so two grain types never share a row.
--
-- Versions. version is the ETag the grain holds: 1 after the first write, +1 on every write or clear. A write or
-- clear that carries any other version changes no row, and the storage reports InconsistentStateException. Under READ
-- COMMITTED a concurrent UPDATE waits for the row lock and then re-checks the version on the committed row, so of two
-- writers holding the same version exactly one wins; of two first writes, the primary key lets one insert. A clear
-- keeps the row with a NULL payload, so its version goes on counting.
CREATE TABLE IF NOT EXISTS grain_states
(
    service_id  varchar(150) NOT NULL,
    grain_id    text         NOT NULL,
    state_name  varchar(150) NOT NULL,
    version     integer      NOT NULL,
    payload     bytea,
    modified_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT grain_states_identity PRIMARY KEY (service_id, grain_id, state_name)
);
