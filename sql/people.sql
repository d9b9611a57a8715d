-- people: one row per canonical person across all articles, with the name forms seen.
CREATE OR REPLACE TABLE people AS
SELECT person_id::VARCHAR AS person_id, name::VARCHAR AS name, country_code::VARCHAR AS country_code,
       role::VARCHAR AS role, level::VARCHAR AS level, aliases::VARCHAR[] AS aliases
FROM people_frame
ORDER BY name;
