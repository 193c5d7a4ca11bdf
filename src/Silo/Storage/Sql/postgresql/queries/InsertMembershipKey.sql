-- A silo joins: add its row and move the cluster version on, both or neither. The version row
-- is locked first and must still carry the caller's version (after waiting for a concurrent
-- change, PostgreSQL re-checks it on the committed row). Returns 1 on success, 0 otherwise.
WITH current_version AS (
    SELECT deployment_id
    FROM membership_version
    WHERE deployment_id = @DeploymentId
      AND version = @Version
    FOR UPDATE
),
joined AS (
    INSERT INTO silo_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_at)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM current_version
    ON CONFLICT DO NOTHING
    RETURNING deployment_id
),
bumped AS (
    UPDATE membership_version AS v
    SET version = v.version + 1,
        changed_at = now()
    FROM joined
    WHERE v.deployment_id = joined.deployment_id
    RETURNING 1
)
SELECT count(*) AS "Changed" FROM bumped
