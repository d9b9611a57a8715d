-- syndication_clusters: one row per story (syndicated copies grouped by story_id) with article and independent-source counts, outlets and titles.
CREATE OR REPLACE VIEW syndication_clusters AS
SELECT story_id,
       count(*) AS articles,
       count(DISTINCT coalesce(duplicate_of, article_id)) AS independent_sources,
       count(*) FILTER (WHERE is_aggregator) AS aggregator_copies,
       list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
       list(DISTINCT wire ORDER BY wire) FILTER (WHERE wire IS NOT NULL) AS wires,
       list(DISTINCT title ORDER BY title) FILTER (WHERE title IS NOT NULL) AS titles,
       min(published_date) AS first_published,
       list(article_id ORDER BY article_id) AS article_ids
FROM articles
GROUP BY story_id
ORDER BY articles DESC, independent_sources DESC, first_published NULLS LAST, story_id;
