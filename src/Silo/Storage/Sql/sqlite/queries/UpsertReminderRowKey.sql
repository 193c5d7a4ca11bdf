-- Create a reminder at version 0, or replace its schedule and bump its version. Returns the
-- version now stored, in a column the provider reads by the name Version.
INSERT INTO reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = excluded.start_time,
    period_ms = excluded.period_ms,
    grain_hash = excluded.grain_hash,
    version = reminder.version + 1
RETURNING version AS Version;
