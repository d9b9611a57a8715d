-- quotes: direct quotations with their speaker; char offsets slice articles.body_text to the text.
-- Built from the extraction cache (etl.extracted) of every document (the documents table), with this run's summit and
-- speaker ids (keys_summits_frame, keys_people_frame: article + local id -> global id); the id is
-- a stable hash of the article and the offset.
CREATE OR REPLACE TABLE quotes AS
WITH q AS (
    SELECT d.article_id, unnest(e.quotes) AS q
    FROM documents d JOIN etl.extracted e
      ON e.sha256 = d.sha256 AND e.format = d.format AND e.extractor_version = ?
)
SELECT ('q_' || left(sha1(concat(q.article_id, '|', q.q.char_start)), 16))::VARCHAR AS quote_id,
       q.article_id::VARCHAR AS article_id, s.summit_id::VARCHAR AS summit_id,
       p.speaker_person_id::VARCHAR AS speaker_person_id, coalesce(p.person_name, q.q.speaker)::VARCHAR AS speaker,
       q.q.text::VARCHAR AS text, q.q.char_start::INTEGER AS char_start, q.q.char_end::INTEGER AS char_end,
       q.q.cue::VARCHAR AS cue
FROM q
LEFT JOIN keys_summits_frame s ON s.article_id = q.article_id AND s.summit_local_id = q.q.summit_local_id
LEFT JOIN keys_people_frame p ON p.article_id = q.article_id AND p.person_local_id = q.q.person_local_id
ORDER BY article_id, char_start;
