-- Clear keeps the row: the payload becomes NULL and the version moves on, so a grain that
-- still holds the old version cannot write over the clear. No row back means a conflict.
UPDATE grain_state
SET payload = NULL,
    version = version + 1,
    modified_at = now()
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_key_text = coalesce(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
