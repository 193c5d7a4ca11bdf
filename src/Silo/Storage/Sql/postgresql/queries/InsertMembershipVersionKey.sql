-- Make sure the cluster has its version row. True (1) if this call created it.
WITH created AS (
    INSERT INTO membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*) AS "Created" FROM created
