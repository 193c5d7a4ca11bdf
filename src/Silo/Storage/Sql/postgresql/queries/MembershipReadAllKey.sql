-- The cluster version with every silo row of the cluster (one row with NULL silo columns when
-- there is no silo yet).
SELECT v.deployment_id AS "DeploymentId",
       m.address       AS "Address",
       m.port          AS "Port",
       m.generation    AS "Generation",
       m.silo_name     AS "SiloName",
       m.host_name     AS "HostName",
       m.status        AS "Status",
       m.proxy_port    AS "ProxyPort",
       m.suspect_times AS "SuspectTimes",
       m.start_time    AS "StartTime",
       m.i_am_alive_at AS "IAmAliveTime",
       v.version       AS "Version"
FROM membership_version AS v
LEFT JOIN silo_membership AS m
       ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
