-- staging.statistics: the bound documents' statistics, each with a stable id (article + offset) and its local summit id.
SELECT 'n_' || left(sha1(concat(article_id, '|', s.char_start)), 16) AS statistic_id, article_id,
       s.summit_local_id, s.value, s.unit, s.text, s.qualifier, s.context, s.char_start, s.char_end
FROM (SELECT article_id, unnest(statistics) AS s FROM bound);
