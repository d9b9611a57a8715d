-- statistics: numeric facts (money, percentages, counts) with unit, qualifier and sentence context.
-- Every document's cached statistics (etl.extracted, by the documents table) with this run's
-- summit ids (keys_summits_frame: article + local id -> global id); the id is a stable hash of the
-- article and the offset. Updated in place: the rows of articles whose file is gone or was read
-- this run (keys_reread_frame) are replaced; in the others only the summit can change. A new
-- table gets every row, in order. (The rows to add are unnested from the re-read articles'
-- extractions only.)
CREATE TABLE IF NOT EXISTS statistics (
    statistic_id VARCHAR, article_id VARCHAR, summit_id VARCHAR, value DOUBLE, unit VARCHAR, text VARCHAR,
    qualifier VARCHAR, context VARCHAR, char_start INTEGER, char_end INTEGER
);
CREATE OR REPLACE TEMP MACRO statistics_now(only_reread) AS TABLE
WITH n AS (
    SELECT d.article_id, unnest(e.statistics) AS n
    FROM documents d JOIN etl.extracted e
      ON e.sha256 = d.sha256 AND e.format = d.format AND e.extractor_version = getvariable('extractor_version')
    WHERE NOT only_reread OR d.article_id IN (SELECT article_id FROM keys_reread_frame)
)
SELECT ('n_' || left(sha1(concat(n.article_id, '|', n.n.char_start)), 16))::VARCHAR AS statistic_id,
       n.article_id::VARCHAR AS article_id, s.summit_id::VARCHAR AS summit_id, n.n.value::DOUBLE AS value,
       n.n.unit::VARCHAR AS unit, n.n.text::VARCHAR AS text, n.n.qualifier::VARCHAR AS qualifier,
       n.n.context::VARCHAR AS context, n.n.char_start::INTEGER AS char_start, n.n.char_end::INTEGER AS char_end
FROM n
LEFT JOIN keys_summits_frame s ON s.article_id = n.article_id AND s.summit_local_id = n.n.summit_local_id;
DELETE FROM statistics
WHERE article_id NOT IN (SELECT article_id FROM documents) OR article_id IN (SELECT article_id FROM keys_reread_frame);
UPDATE statistics SET summit_id = n.summit_id
FROM statistics_now(false) n
WHERE statistics.statistic_id = n.statistic_id AND statistics.summit_id IS DISTINCT FROM n.summit_id;
INSERT INTO statistics
SELECT * FROM statistics_now(NOT getvariable('table_is_new'))
ORDER BY article_id, char_start;
DROP MACRO TABLE statistics_now;
