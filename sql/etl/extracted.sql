-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document: the rows a copied warehouse already holds, less those no longer in use, plus this run's staged rows for new contents (copies of one content hold the same extraction, so any will do).
CREATE SCHEMA IF NOT EXISTS etl;
CREATE TABLE IF NOT EXISTS etl.extracted AS SELECT * FROM staged_extracted LIMIT 0;
DELETE FROM etl.extracted WHERE (sha256, format) NOT IN (SELECT sha256, format FROM documents_frame);
INSERT INTO etl.extracted BY NAME
SELECT sha256, format, any_value(COLUMNS(* EXCLUDE (sha256, format)))
FROM staged_extracted
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
  AND (sha256, format) NOT IN (SELECT sha256, format FROM etl.extracted)
GROUP BY sha256, format;
