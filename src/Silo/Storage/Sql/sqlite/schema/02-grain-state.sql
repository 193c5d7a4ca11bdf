-- Grain state, written by Orleans' ADO.NET grain storage.
--
-- Identity. Where the provider's parameters say "GrainType" Orleans actually passes the state
-- name (the name in [PersistentState]), so two grain types that share a state name and a key
-- share a row: give every grain type its own state name. A grain is named by two hashes the
-- provider computes (grain key, state name), the two 64-bit halves of a Guid or integer key, and
-- a string that is the key extension for Guid/integer keys or the whole key for string keys.
-- A missing extension is kept as '' (Orleans refuses empty or blank extensions, so '' can never
-- collide with a real one); that way a plain UNIQUE index covers the whole identity and settles
-- two concurrent first writes.
--
-- Versions. version is the ETag the grain holds: 1 after the first write, +1 on every write or
-- clear. A write or clear that carries any other version changes nothing and returns no row; the
-- provider turns that into InconsistentStateException. A clear keeps the row with a NULL payload.
CREATE TABLE IF NOT EXISTS grain_state
(
    service_id      TEXT    NOT NULL,
    state_name      TEXT    NOT NULL,
    state_name_hash INTEGER NOT NULL,
    grain_id_hash   INTEGER NOT NULL,
    grain_id_n0     INTEGER NOT NULL,
    grain_id_n1     INTEGER NOT NULL,
    grain_key_text  TEXT    NOT NULL,
    payload         BLOB,
    version         INTEGER NOT NULL,
    modified_at     TEXT    NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS grain_state_identity
    ON grain_state (grain_id_hash, state_name_hash, service_id, state_name, grain_id_n0, grain_id_n1, grain_key_text);
