-- quotes_by_speaker: every quote with its speaker, the summit it was said at (null away from summits) and the article's outlet and date.
CREATE OR REPLACE VIEW quotes_by_speaker AS
SELECT q.quote_id, q.speaker, q.speaker_person_id, p.country_code AS speaker_country, p.role AS speaker_role,
       q.summit_id, s.name AS summit, s.city AS summit_city, s.start_date AS summit_date,
       q.text AS quote, q.cue,
       q.article_id, a.outlet, a.title, a.published_date, a.story_id,
       q.char_start, q.char_end
FROM quotes q
JOIN articles a USING (article_id)
LEFT JOIN people p ON p.person_id = q.speaker_person_id
LEFT JOIN summits s ON s.summit_id = q.summit_id
ORDER BY q.speaker, s.start_date NULLS LAST, summit NULLS LAST, a.published_date NULLS LAST, q.article_id, q.char_start;
