-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document.
-- staged_extracted holds this run's extractions and the previous cache's rows still in use (of the
-- current extractor version). Copies of one content hold the same extraction, so any will do; a hash
-- aggregate (not a window over the wide rows) lets DuckDB spill within its memory limit at 100k pages.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.extracted AS
SELECT sha256, format, any_value(COLUMNS(* EXCLUDE (sha256, format)))
FROM staged_extracted
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
GROUP BY sha256, format;
