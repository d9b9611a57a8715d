-- rejected_documents: every input file that could not be used, with the reason.
CREATE OR REPLACE TABLE rejected_documents AS
SELECT source_path::VARCHAR AS source_path, sha256::VARCHAR AS sha256, reason::VARCHAR AS reason,
       detail::VARCHAR AS detail, seen_at::TIMESTAMPTZ AS seen_at
FROM rejected_documents_frame
ORDER BY source_path;
