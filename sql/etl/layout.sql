-- etl.layout: the digest of the SQL file that built each table, so a later run keeps a table in place only while that file is unchanged.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.layout AS
SELECT table_name::VARCHAR AS table_name, sql_sha1::VARCHAR AS sql_sha1
FROM layout_frame
ORDER BY table_name;
