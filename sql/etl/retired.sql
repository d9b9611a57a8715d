-- etl.retired: files that were in an earlier run and have since been deleted; their rows left the tables.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.retired AS
SELECT source_path::VARCHAR AS source_path, sha256::VARCHAR AS sha256, article_id::VARCHAR AS article_id,
       retired_at::TIMESTAMPTZ AS retired_at
FROM retired_frame
ORDER BY retired_at, source_path;
