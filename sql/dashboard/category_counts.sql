-- category_counts: every category of the codebook x episode, found or not: how many rows,
-- documents and outlets support it, and its first dated event. Triggers, demands and state
-- responses come from the compare step (compare_<table>.parquet); outcomes have no compare
-- table, so they are counted here from `outcomes` in the same way.
WITH compared AS (
    SELECT 'triggers' AS dimension, * FROM compare_triggers
    UNION ALL BY NAME
    SELECT 'demands' AS dimension, * FROM compare_demands
    UNION ALL BY NAME
    SELECT 'state_responses' AS dimension, * FROM compare_state_responses
),
outcome_counts AS (
    SELECT o.category, o.episode,
           count(*) AS n_rows,
           count(DISTINCT o.doc_id) AS n_documents,
           count(DISTINCT d.outlet) AS n_outlets,
           min(o.event_date) AS first_event_date
    FROM outcomes AS o
    JOIN documents AS d USING (doc_id)
    GROUP BY o.category, o.episode
),
counts AS (
    SELECT dimension, category, episode, n_rows, n_documents, n_outlets, first_event_date FROM compared
    UNION ALL
    SELECT 'outcomes', category, episode, n_rows, n_documents, n_outlets, first_event_date FROM outcome_counts
)
SELECT c.dimension, c.family, c.category, c.definition, e.episode,
       coalesce(n.n_rows, 0) AS mentions,
       coalesce(n.n_documents, 0) AS documents,
       coalesce(n.n_outlets, 0) AS outlets,
       n.first_event_date AS first_event
FROM categories AS c
CROSS JOIN episodes AS e
LEFT JOIN counts AS n ON n.dimension = c.dimension AND n.category = c.category AND n.episode = e.episode
ORDER BY c.ord, e.ord
