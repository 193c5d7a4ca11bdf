-- One grain's state: payload (NULL after a clear) and version; no row if never written.
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM grain_state
WHERE grain_id_hash = @GrainIdHash
  AND state_name_hash = @GrainTypeHash
  AND service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_key_text = coalesce(@GrainIdExtensionString, '')
