-- syndication_clusters: every story with its article and independent-source counts, outlets and wires; syndicated stories first.
SELECT story_id, articles, independent_sources, aggregator_copies, outlets, wires, titles[1] AS title
FROM syndication_clusters
ORDER BY articles DESC, independent_sources DESC, story_id;
