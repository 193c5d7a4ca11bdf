-- Cluster membership, used by Orleans' ADO.NET clustering (silos) and gateway list (clients).
--
-- Orleans calls a cluster a "deployment" in these queries: deployment_id is the ClusterId.
-- membership_version holds one row per cluster whose version is the membership table's ETag:
-- every change to the silo rows must move it on by exactly one, and must fail (change nothing)
-- when the caller's version is stale. The queries lock that row first, which serialises all
-- membership changes of a cluster (there are few: joins, status changes, suspicions).
CREATE TABLE IF NOT EXISTS membership_version
(
    deployment_id varchar(150) NOT NULL PRIMARY KEY,
    version       integer      NOT NULL DEFAULT 0,
    changed_at    timestamptz  NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port and generation, which is its start time).
-- status is Orleans' SiloStatus as a number (3 = Active, 6 = Dead); suspect_times is Orleans' own
-- text list of "silo,time" pairs; proxy_port is the gateway port (0 when the silo has none).
CREATE TABLE IF NOT EXISTS silo_membership
(
    deployment_id  varchar(150)  NOT NULL REFERENCES membership_version (deployment_id),
    address        varchar(45)   NOT NULL,
    port           integer       NOT NULL,
    generation     integer       NOT NULL,
    silo_name      varchar(150)  NOT NULL,
    host_name      varchar(150)  NOT NULL,
    status         integer       NOT NULL,
    proxy_port     integer,
    suspect_times  varchar(8000),
    start_time     timestamptz   NOT NULL,
    i_am_alive_at  timestamptz   NOT NULL,
    CONSTRAINT silo_membership_identity PRIMARY KEY (deployment_id, address, port, generation)
);
