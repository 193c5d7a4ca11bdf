-- The same for a range that wraps around (signed begin >= end): above begin, or up to end.
SELECT grain_id AS GrainId,
       reminder_name AS ReminderName,
       start_time AS StartTime,
       period_ms AS Period,
       version AS Version
FROM reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
