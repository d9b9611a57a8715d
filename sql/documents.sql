-- documents: every input file that was read and turned into an article.
CREATE OR REPLACE TABLE documents AS
SELECT source_path::VARCHAR AS source_path, sha256::VARCHAR AS sha256, size_bytes::BIGINT AS size_bytes,
       encoding::VARCHAR AS encoding, format::VARCHAR AS format, article_id::VARCHAR AS article_id
FROM documents_frame
ORDER BY source_path;
