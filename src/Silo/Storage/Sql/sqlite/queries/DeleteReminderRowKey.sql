-- Remove one reminder if its version still matches. The provider reads exactly one value as a
-- boolean, so report the number of rows removed (0 or 1) even when nothing matched; a
-- DELETE ... RETURNING would return no row at all in that case.
DELETE FROM reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName
  AND version = @Version;

SELECT changes() AS Removed;
