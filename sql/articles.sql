-- articles: one row per cleaned input article, with its page metadata and cleaned body (unordered: sorting 100k bodies overran DuckDB's memory limit).
CREATE OR REPLACE TABLE articles AS
SELECT a.article_id::VARCHAR AS article_id, a.source_path::VARCHAR AS source_path, a.outlet::VARCHAR AS outlet,
       a.title::VARCHAR AS title, a.published_date::DATE AS published_date, e.body_text::VARCHAR AS body_text,
       a.is_aggregator::BOOLEAN AS is_aggregator, a.duplicate_of::VARCHAR AS duplicate_of,
       a.story_id::VARCHAR AS story_id, a.date_method::VARCHAR AS date_method, a.byline::VARCHAR AS byline,
       a.language::VARCHAR AS language, a.dateline::VARCHAR AS dateline, a.wire::VARCHAR AS wire,
       a.format::VARCHAR AS format, a.encoding::VARCHAR AS encoding, a.sha256::VARCHAR AS sha256,
       a.size_bytes::BIGINT AS size_bytes
FROM articles_frame a
JOIN etl.extracted e ON e.sha256 = a.sha256 AND e.format = a.format;
