-- Drop rows of silos that stopped sending heartbeats before the given time, except rows still
-- marked Active (status 3), which membership itself must first declare dead.
DELETE FROM silo_membership
WHERE deployment_id = @DeploymentId
  AND i_am_alive_at < @IAmAliveTime
  AND status <> 3
