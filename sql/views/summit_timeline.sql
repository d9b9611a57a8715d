-- summit_timeline: every summit in date order (undated ones last) with its source, attendee, meeting, quote and statistic counts.
CREATE OR REPLACE VIEW summit_timeline AS
WITH reports AS (
    SELECT s.summit_id, count(DISTINCT a.article_id) AS articles,
           count(DISTINCT coalesce(a.duplicate_of, a.article_id)) AS independent_sources,
           min(a.published_date) AS first_reported, max(a.published_date) AS last_reported,
           list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets
    FROM (SELECT summit_id, unnest(article_ids) AS article_id FROM summits) s
    JOIN articles a USING (article_id)
    GROUP BY s.summit_id
),
present AS (SELECT summit_id, count(DISTINCT person_id) AS attendees FROM attendees GROUP BY summit_id),
met AS (SELECT summit_id, count(*) AS meetings FROM meetings WHERE summit_id IS NOT NULL GROUP BY summit_id),
said AS (SELECT summit_id, count(*) AS quotes FROM quotes WHERE summit_id IS NOT NULL GROUP BY summit_id),
counted AS (SELECT summit_id, count(*) AS statistics FROM statistics WHERE summit_id IS NOT NULL GROUP BY summit_id)
SELECT s.summit_id, s.organization, s.name, s.edition, s.city, s.country_code,
       s.start_date, s.end_date, s.year,
       coalesce(s.start_date, r.first_reported) AS timeline_date,
       CASE WHEN s.start_date IS NOT NULL THEN 'summit date'
            WHEN r.first_reported IS NOT NULL THEN 'first report'
            WHEN s.year IS NOT NULL THEN 'year only'
            ELSE 'unknown' END AS date_basis,
       len(s.article_ids) AS sources,
       coalesce(r.independent_sources, 0) AS independent_sources,
       r.outlets,
       coalesce(p.attendees, 0) AS attendees,
       coalesce(m.meetings, 0) AS meetings,
       coalesce(q.quotes, 0) AS quotes,
       coalesce(c.statistics, 0) AS statistics
FROM summits s
LEFT JOIN reports r USING (summit_id)
LEFT JOIN present p USING (summit_id)
LEFT JOIN met m USING (summit_id)
LEFT JOIN said q USING (summit_id)
LEFT JOIN counted c USING (summit_id)
ORDER BY coalesce(s.start_date, r.first_reported, make_date(s.year, 1, 1)) NULLS LAST, s.name, s.summit_id;
