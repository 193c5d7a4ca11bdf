-- Heartbeat of one silo. Not versioned: Orleans neither checks nor expects a result.
UPDATE silo_membership
SET i_am_alive_at = @IAmAliveTime
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
