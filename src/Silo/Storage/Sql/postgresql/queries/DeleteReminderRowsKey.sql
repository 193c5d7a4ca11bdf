-- Remove every reminder of the service (used by Orleans' test hooks).
DELETE FROM reminder
WHERE service_id = @ServiceId
