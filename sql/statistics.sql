-- statistics: numeric facts (money, percentages, counts) with unit, qualifier and sentence context.
CREATE OR REPLACE TABLE statistics AS
SELECT statistic_id::VARCHAR AS statistic_id, article_id::VARCHAR AS article_id, summit_id::VARCHAR AS summit_id,
       value::DOUBLE AS value, unit::VARCHAR AS unit, text::VARCHAR AS text, qualifier::VARCHAR AS qualifier,
       context::VARCHAR AS context, char_start::INTEGER AS char_start, char_end::INTEGER AS char_end
FROM statistics_frame
ORDER BY article_id, char_start;
