-- who_met_whom: bilateral meetings with both names, the summit's name, city and date (null away from summits) and source counts.
CREATE OR REPLACE VIEW who_met_whom AS
WITH reports AS (
    SELECT m.meeting_id, count(DISTINCT a.article_id) AS articles,
           count(DISTINCT coalesce(a.duplicate_of, a.article_id)) AS independent_sources,
           min(a.published_date) AS first_reported
    FROM (SELECT meeting_id, unnest(article_ids) AS article_id FROM meetings) m
    JOIN articles a USING (article_id)
    GROUP BY m.meeting_id
)
SELECT m.meeting_id, m.person_a_id, m.person_a, m.person_b_id, m.person_b,
       least(m.person_a, m.person_b) || ' – ' || greatest(m.person_a, m.person_b) AS pair,
       m.summit_id, s.name AS summit, s.organization, s.city, s.country_code,
       coalesce(s.start_date, r.first_reported) AS meeting_date, s.year,
       len(m.article_ids) AS sources,
       coalesce(r.independent_sources, 0) AS independent_sources,
       m.article_ids
FROM meetings m
LEFT JOIN summits s USING (summit_id)
LEFT JOIN reports r USING (meeting_id)
ORDER BY pair, meeting_date NULLS LAST, summit, m.meeting_id;
