-- staging.quotes: the bound documents' quotes, each with a stable id (article + offset) and its local summit and speaker ids.
SELECT 'q_' || left(sha1(concat(article_id, '|', q.char_start)), 16) AS quote_id, article_id,
       q.summit_local_id, q.person_local_id, q.speaker, q.text, q.char_start, q.char_end, q.cue
FROM (SELECT article_id, unnest(quotes) AS q FROM bound);
