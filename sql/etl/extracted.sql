-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document.
-- The previous cache's rows of the current extractor version stream in first (already one per
-- content); this run's staged rows follow for contents not yet there, one per content (copies of
-- one content hold the same extraction, so any will do). No window or aggregate over the whole
-- cache: at 100k pages that overran DuckDB's memory limit.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.extracted AS
SELECT * FROM previous_extracted
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame);
INSERT INTO etl.extracted BY NAME
SELECT sha256, format, any_value(COLUMNS(* EXCLUDE (sha256, format)))
FROM staged_extracted
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
  AND (sha256, format) NOT IN (SELECT sha256, format FROM etl.extracted)
GROUP BY sha256, format;
