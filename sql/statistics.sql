-- statistics: numeric facts (money, percentages, counts) with unit, qualifier and sentence context.
-- Built from the extraction cache (etl.extracted) of every document (the documents table), with this run's summit ids
-- (keys_summits_frame: article + local id -> global id); the id is a stable hash of the article
-- and the offset.
CREATE OR REPLACE TABLE statistics AS
WITH n AS (
    SELECT d.article_id, unnest(e.statistics) AS n
    FROM documents d JOIN etl.extracted e
      ON e.sha256 = d.sha256 AND e.format = d.format AND e.extractor_version = ?
)
SELECT ('n_' || left(sha1(concat(n.article_id, '|', n.n.char_start)), 16))::VARCHAR AS statistic_id,
       n.article_id::VARCHAR AS article_id, s.summit_id::VARCHAR AS summit_id, n.n.value::DOUBLE AS value,
       n.n.unit::VARCHAR AS unit, n.n.text::VARCHAR AS text, n.n.qualifier::VARCHAR AS qualifier,
       n.n.context::VARCHAR AS context, n.n.char_start::INTEGER AS char_start, n.n.char_end::INTEGER AS char_end
FROM n
LEFT JOIN keys_summits_frame s ON s.article_id = n.article_id AND s.summit_local_id = n.n.summit_local_id
ORDER BY article_id, char_start;
