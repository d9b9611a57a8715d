-- statistics_by_summit: the numbers reported at each summit, by unit, with their range and example wordings.
SELECT coalesce(summit, '(away from summits)') AS summit, unit, statistics, articles,
       min_value, max_value, examples
FROM statistics_by_summit
ORDER BY summit, unit;
