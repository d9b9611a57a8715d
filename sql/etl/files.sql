-- etl.files: every input file of the last run with its size, mtime, hash and outcome (the incremental state).
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.files AS
SELECT source_path::VARCHAR AS source_path, file_size::BIGINT AS file_size, mtime_ns::BIGINT AS mtime_ns,
       sha256::VARCHAR AS sha256, format::VARCHAR AS format, status::VARCHAR AS status,
       reason::VARCHAR AS reason, detail::VARCHAR AS detail, article_id::VARCHAR AS article_id,
       seen_at::TIMESTAMPTZ AS seen_at
FROM files_frame
ORDER BY source_path;
