-- quotes_by_speaker: how many quotes each speaker has at each summit (or away from summits), with the outlets and the first quote.
SELECT speaker,
       coalesce(summit, '(away from summits)') AS summit,
       count(*) AS quotes,
       list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
       CASE WHEN length(arg_min(quote, char_start)) > 60
            THEN left(arg_min(quote, char_start), 59) || '…'
            ELSE arg_min(quote, char_start) END AS first_quote
FROM quotes_by_speaker
GROUP BY speaker, summit
ORDER BY quotes DESC, speaker, summit;
