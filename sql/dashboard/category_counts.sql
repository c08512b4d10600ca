-- category_counts: every category of the codebook x episode, found or not: how many rows,
-- documents and outlets support it, and its first dated event. Straight from the compare step's
-- category comparisons (compare_triggers, compare_demands, compare_state_responses,
-- compare_outcomes: one shape), in codebook order.
WITH compared AS (
    SELECT 'triggers' AS dimension, * FROM compare_triggers
    UNION ALL BY NAME
    SELECT 'demands' AS dimension, * FROM compare_demands
    UNION ALL BY NAME
    SELECT 'state_responses' AS dimension, * FROM compare_state_responses
    UNION ALL BY NAME
    SELECT 'outcomes' AS dimension, * FROM compare_outcomes
)
SELECT c.dimension, c.family, c.category, c.definition, e.episode,
       coalesce(n.n_rows, 0) AS mentions,
       coalesce(n.n_documents, 0) AS documents,
       coalesce(n.n_outlets, 0) AS outlets,
       n.first_event_date AS first_event
FROM categories AS c
CROSS JOIN episodes AS e
LEFT JOIN compared AS n ON n.dimension = c.dimension AND n.category = c.category AND n.episode = e.episode
ORDER BY c.ord, e.ord
