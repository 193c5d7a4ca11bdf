-- Reminders whose grain hash lies in the ring range (begin, end], used when the provider sees
-- begin < end as signed ints. Bounds and stored hashes are both signed.
SELECT grain_id AS "GrainId",
       reminder_name AS "ReminderName",
       start_time AS "StartTime",
       period_ms AS "Period",
       version AS "Version"
FROM reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash
