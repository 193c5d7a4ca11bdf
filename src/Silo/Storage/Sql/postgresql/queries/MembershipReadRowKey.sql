-- The cluster version, joined with one silo's row if it exists (the version row alone, with
-- NULL silo columns, when it does not: Orleans needs the version either way).
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
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
