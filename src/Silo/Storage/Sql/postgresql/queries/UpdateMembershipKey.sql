-- A silo's status or suspicion list changes: update its row and move the cluster version on,
-- both or neither, under the same version check as InsertMembershipKey. Returns 1 or 0.
WITH current_version AS (
    SELECT deployment_id
    FROM membership_version
    WHERE deployment_id = @DeploymentId
      AND version = @Version
    FOR UPDATE
),
changed AS (
    UPDATE silo_membership AS m
    SET status = @Status,
        suspect_times = @SuspectTimes,
        i_am_alive_at = @IAmAliveTime
    FROM current_version AS c
    WHERE m.deployment_id = c.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
    RETURNING m.deployment_id
),
bumped AS (
    UPDATE membership_version AS v
    SET version = v.version + 1,
        changed_at = now()
    FROM changed
    WHERE v.deployment_id = changed.deployment_id
    RETURNING 1
)
SELECT count(*) AS "Changed" FROM bumped
