-- attendance_matrix: one row per (person who attended any summit) x (summit) pair with an attended flag, ready to PIVOT.
CREATE OR REPLACE VIEW attendance_matrix AS
WITH persons AS (
    SELECT a.person_id, coalesce(any_value(p.name), min(a.name)) AS person,
           coalesce(any_value(p.country_code), min(a.country_code)) AS country_code
    FROM attendees a LEFT JOIN people p USING (person_id)
    GROUP BY a.person_id
),
labelled AS (
    SELECT summit_id, name AS summit, organization, city, start_date, year,
           concat_ws(' ', organization, city, year::VARCHAR) AS summit_label
    FROM summits
)
SELECT p.person_id, p.person, p.country_code,
       s.summit_id, s.summit, s.summit_label, s.organization, s.city, s.start_date, s.year,
       a.person_id IS NOT NULL AS attended,
       CASE WHEN a.person_id IS NOT NULL THEN 1 ELSE 0 END AS present,
       a.role,
       coalesce(len(a.article_ids), 0) AS sources
FROM persons p
CROSS JOIN labelled s
LEFT JOIN attendees a ON a.person_id = p.person_id AND a.summit_id = s.summit_id
ORDER BY p.person, s.start_date NULLS LAST, s.summit, s.summit_id;
