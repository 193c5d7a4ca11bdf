-- GridActors, PostgreSQL profile (cluster): the query catalogue.
--
-- Orleans' ADO.NET providers ship no SQL. At start-up each provider reads
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and from then on runs the text stored under the
-- keys it knows. That table name and its two column names are fixed by Orleans (unquoted, so
-- PostgreSQL folds them to lower case); the tables the queries touch are GridActors' own.
--
-- SchemaInstaller runs the files of this folder in name order at every start-up, inside one
-- transaction that first takes an advisory lock (two silos may start at once), then writes one
-- catalogue row per file of ../queries (key = file name). Every statement must be safe to rerun.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
