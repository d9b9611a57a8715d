-- staging.bound: each current document's cache row (this run's staged extraction, else the previous warehouse's) with its article id.
CREATE OR REPLACE TEMP VIEW bound AS
WITH first_copy AS (  -- identical pages cleaned in one run are staged once each: one copy is bound
    SELECT min((filename, file_row_number)) AS pick FROM staged_extracted GROUP BY sha256, format
), cached AS (
    SELECT sha256, format, quotes, statistics FROM staged_extracted
    WHERE (filename, file_row_number) IN (SELECT pick FROM first_copy)
    UNION ALL
    SELECT sha256, format, quotes, statistics FROM previous_extracted
    WHERE (sha256, format) NOT IN (SELECT sha256, format FROM staged_extracted)
)
SELECT d.article_id, c.quotes, c.statistics
FROM documents_frame d JOIN cached c ON c.sha256 = d.sha256 AND c.format = d.format;
