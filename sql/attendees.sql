-- attendees: who the articles place at each summit.
CREATE OR REPLACE TABLE attendees AS
SELECT summit_id::VARCHAR AS summit_id, person_id::VARCHAR AS person_id, name::VARCHAR AS name,
       country_code::VARCHAR AS country_code, role::VARCHAR AS role, article_ids::VARCHAR[] AS article_ids
FROM attendees_frame
ORDER BY summit_id, name;
