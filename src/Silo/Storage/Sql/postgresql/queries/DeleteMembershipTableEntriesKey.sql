-- Forget a whole cluster: its silo rows, then its version row.
DELETE FROM silo_membership
WHERE deployment_id = @DeploymentId;

DELETE FROM membership_version
WHERE deployment_id = @DeploymentId
