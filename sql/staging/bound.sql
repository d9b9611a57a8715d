-- staging.bound: each current document with the cached extraction of its content (this run's staged one, else the previous warehouse's), without the body.
CREATE OR REPLACE TEMP VIEW bound AS
WITH first_copy AS (  -- identical pages cleaned in one run are staged once each: one copy is bound
    SELECT min((filename, file_row_number)) AS pick FROM staged_extracted GROUP BY sha256, format
), cached AS (
    SELECT * EXCLUDE (body_text, filename, file_row_number) FROM staged_extracted
    WHERE (filename, file_row_number) IN (SELECT pick FROM first_copy)
    UNION ALL BY NAME
    SELECT * EXCLUDE (body_text) FROM previous_extracted
    WHERE (sha256, format) NOT IN (SELECT sha256, format FROM staged_extracted)
)
SELECT d.source_path, d.article_id, c.*
FROM documents_frame d JOIN cached c ON c.sha256 = d.sha256 AND c.format = d.format;
