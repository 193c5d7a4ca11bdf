-- Optimistic write. With a version in hand: replace the payload only if the stored version is
-- still that one. Without one (nothing read yet): create the row at version 1 unless it already
-- exists. Exactly one of the two statements can act; it returns the new version. Any conflict
-- returns no row at all, which the provider reports as InconsistentStateException.
UPDATE grain_state
SET payload = @PayloadBinary,
    version = version + 1,
    modified_at = datetime()
WHERE @GrainStateVersion IS NOT NULL
  AND grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_key_text = ifnull(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;

INSERT INTO grain_state
    (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key_text, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
       ifnull(@GrainIdExtensionString, ''), @PayloadBinary, 1, datetime()
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
