-- articles: one row per cleaned input article, with its page metadata and cleaned body.
CREATE OR REPLACE TABLE articles AS
SELECT article_id::VARCHAR AS article_id, source_path::VARCHAR AS source_path, outlet::VARCHAR AS outlet,
       title::VARCHAR AS title, published_date::DATE AS published_date, body_text::VARCHAR AS body_text,
       is_aggregator::BOOLEAN AS is_aggregator, duplicate_of::VARCHAR AS duplicate_of,
       story_id::VARCHAR AS story_id, date_method::VARCHAR AS date_method, byline::VARCHAR AS byline,
       language::VARCHAR AS language, dateline::VARCHAR AS dateline, wire::VARCHAR AS wire,
       format::VARCHAR AS format, encoding::VARCHAR AS encoding, sha256::VARCHAR AS sha256,
       size_bytes::BIGINT AS size_bytes
FROM articles_frame
ORDER BY source_path;
