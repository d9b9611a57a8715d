-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document: the rows a copied warehouse already holds, less those no longer in use, plus this run's staged rows for new contents (copies of one content hold the same extraction: the first staged copy is kept, as in staging/bound.sql).
CREATE SCHEMA IF NOT EXISTS etl;
CREATE TABLE IF NOT EXISTS etl.extracted AS SELECT * EXCLUDE (filename, file_row_number) FROM staged_extracted LIMIT 0;
DELETE FROM etl.extracted WHERE (sha256, format) NOT IN (SELECT sha256, format FROM documents_frame);
-- (the copy to keep is chosen on the narrow key columns; grouping the wide rows themselves made
-- DuckDB hold every body in its hash table, which took twice as long at 100k pages)
INSERT INTO etl.extracted BY NAME
WITH first_copy AS (
    SELECT min((filename, file_row_number)) AS pick
    FROM staged_extracted
    WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
      AND (sha256, format) NOT IN (SELECT sha256, format FROM etl.extracted)
    GROUP BY sha256, format
)
SELECT s.* EXCLUDE (filename, file_row_number)
FROM staged_extracted s SEMI JOIN first_copy f ON f.pick = (s.filename, s.file_row_number);
