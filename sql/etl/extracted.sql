-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document.
-- Candidates are the previous cache's rows of the current extractor version and this run's staged
-- rows; copies of one content hold the same extraction, so any of them will do. A hash aggregate
-- (not a window over the wide rows) lets DuckDB spill to disk within its memory limit at 100k pages.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.extracted AS
SELECT sha256, format, any_value(COLUMNS(* EXCLUDE (sha256, format)))
FROM (
    SELECT * FROM previous_extracted
    UNION ALL BY NAME
    SELECT * FROM staged_extracted
)
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
GROUP BY sha256, format;
