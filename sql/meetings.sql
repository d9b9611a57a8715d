-- meetings: bilateral meetings between two people, tied to a summit when the article reports one.
CREATE OR REPLACE TABLE meetings AS
SELECT meeting_id::VARCHAR AS meeting_id, summit_id::VARCHAR AS summit_id,
       person_a_id::VARCHAR AS person_a_id, person_a::VARCHAR AS person_a,
       person_b_id::VARCHAR AS person_b_id, person_b::VARCHAR AS person_b, article_ids::VARCHAR[] AS article_ids
FROM meetings_frame
ORDER BY summit_id NULLS LAST, person_a, person_b;
