-- statistics_by_summit: numbers reported per summit (null summit = away from summits) and unit: count, sum/min/max value and example texts.
CREATE OR REPLACE VIEW statistics_by_summit AS
SELECT st.summit_id, s.name AS summit, st.unit,
       count(*) AS statistics,
       count(DISTINCT st.article_id) AS articles,
       sum(st.value) AS sum_value, min(st.value) AS min_value, max(st.value) AS max_value,
       list_slice(list(DISTINCT st.text ORDER BY st.text), 1, 3) AS examples
FROM statistics st
LEFT JOIN summits s USING (summit_id)
GROUP BY st.summit_id, s.name, s.start_date, st.unit
ORDER BY s.start_date NULLS LAST, summit NULLS LAST, st.unit;
