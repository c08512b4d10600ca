-- category_counts: every taxonomy category x episode with how many rows, documents and outlets
-- support it (zero when none), and the first dated event. Categories absent from both
-- episodes are kept so the page can say so.
WITH counts AS (
    SELECT f.dimension, f.category, f.episode,
           count(*) AS mentions,
           count(DISTINCT f.doc_id) AS documents,
           count(DISTINCT d.outlet) AS outlets,
           min(f.event_date) AS first_event
    FROM facts AS f
    JOIN documents AS d USING (doc_id)
    GROUP BY ALL
)
SELECT c.dimension, c.family, c.category, c.definition, e.episode,
       coalesce(n.mentions, 0) AS mentions,
       coalesce(n.documents, 0) AS documents,
       coalesce(n.outlets, 0) AS outlets,
       n.first_event
FROM categories AS c
CROSS JOIN episodes AS e
LEFT JOIN counts AS n ON n.dimension = c.dimension AND n.category = c.category AND n.episode = e.episode
ORDER BY c.ord, e.ord
