-- GridActors, SQLite profile (embedded): the query catalogue.
--
-- Orleans' ADO.NET providers ship no SQL. At start-up each provider reads
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and from then on runs the text stored under the
-- keys it knows. That table name and its two column names are fixed by Orleans; the tables the
-- queries touch are GridActors' own (see the other files in this folder).
--
-- SchemaInstaller runs the files of this folder in name order at every start-up, then writes one
-- catalogue row per file of ../queries (key = file name), so every statement here must be safe to
-- run again on an existing database.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
