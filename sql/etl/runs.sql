-- etl.runs: one row per published run: what it saw, read, parsed, reused and retired.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE OR REPLACE TABLE etl.runs AS
SELECT run_id::VARCHAR AS run_id, finished_at::TIMESTAMPTZ AS finished_at, files_seen::BIGINT AS files_seen,
       documents::BIGINT AS documents, rejected::BIGINT AS rejected, parsed::BIGINT AS parsed,
       reused::BIGINT AS reused, retired::BIGINT AS retired, extractor_version::VARCHAR AS extractor_version
FROM runs_frame
ORDER BY finished_at;
