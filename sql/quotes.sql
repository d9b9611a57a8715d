-- quotes: direct quotations with their speaker; char offsets slice articles.body_text to the text.
CREATE OR REPLACE TABLE quotes AS
SELECT quote_id::VARCHAR AS quote_id, article_id::VARCHAR AS article_id, summit_id::VARCHAR AS summit_id,
       speaker_person_id::VARCHAR AS speaker_person_id, speaker::VARCHAR AS speaker, text::VARCHAR AS text,
       char_start::INTEGER AS char_start, char_end::INTEGER AS char_end, cue::VARCHAR AS cue
FROM quotes_frame
ORDER BY article_id, char_start;
