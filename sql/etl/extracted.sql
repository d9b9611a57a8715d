-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document: the previous run's rows still in use (previous_extracted, filtered by its caller), then this run's staged rows for the other contents (copies of one content hold the same extraction, so any will do).
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.extracted AS
SELECT * FROM previous_extracted;
INSERT INTO etl.extracted BY NAME
SELECT sha256, format, any_value(COLUMNS(* EXCLUDE (sha256, format)))
FROM staged_extracted
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
  AND (sha256, format) NOT IN (SELECT sha256, format FROM etl.extracted)
GROUP BY sha256, format;
