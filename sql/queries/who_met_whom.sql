-- who_met_whom: every bilateral meeting with the summit, city and date it happened at and how many sources report it.
SELECT person_a, person_b, summit, city, meeting_date, sources, independent_sources
FROM who_met_whom
ORDER BY pair, meeting_date NULLS LAST, summit;
