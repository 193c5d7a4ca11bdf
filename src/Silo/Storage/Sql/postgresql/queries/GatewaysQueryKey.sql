-- Gateways a client may connect to: silos of the cluster in the given status (Active) that
-- listen on a gateway port.
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM silo_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0
