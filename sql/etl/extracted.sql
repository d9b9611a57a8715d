-- etl.extracted: the extraction cache, one row per distinct content (sha256 + format) of a current document.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.extracted AS
SELECT * FROM (
    SELECT * FROM previous_extracted
    UNION ALL BY NAME
    SELECT * FROM staged_extracted
)
WHERE (sha256, format) IN (SELECT sha256, format FROM documents_frame)
QUALIFY row_number() OVER (PARTITION BY sha256, format ORDER BY extractor_version) = 1
ORDER BY sha256, format;
