-- summits: one row per summit, consolidated across the articles that report it.
CREATE OR REPLACE TABLE summits AS
SELECT summit_id::VARCHAR AS summit_id, organization::VARCHAR AS organization, name::VARCHAR AS name,
       edition::VARCHAR AS edition, city::VARCHAR AS city, country_code::VARCHAR AS country_code,
       start_date::DATE AS start_date, end_date::DATE AS end_date, year::INTEGER AS year,
       article_ids::VARCHAR[] AS article_ids
FROM summits_frame
ORDER BY start_date NULLS LAST, summit_id;
