-- episode_overview: one row per episode of the codebook, even when no row mentions it.
-- Sources are the documents with at least one sentence placed in the episode; event dates and
-- rows per table come from the fact tables.
WITH sources AS (
    SELECT s.episode,
           count(DISTINCT s.doc_id) AS documents,
           count(*) AS sentences,
           string_agg(DISTINCT d.outlet, ', ' ORDER BY d.outlet) AS outlets
    FROM sentences AS s
    JOIN documents AS d USING (doc_id)
    WHERE s.episode IS NOT NULL
    GROUP BY s.episode
),
rows_per_table AS (
    SELECT episode,
           count(*) FILTER (WHERE dimension = 'triggers') AS triggers,
           count(*) FILTER (WHERE dimension = 'demands') AS demands,
           count(*) FILTER (WHERE dimension = 'state_responses') AS state_responses,
           count(*) FILTER (WHERE dimension = 'outcomes') AS outcomes,
           count(event_date) AS dated_events,
           min(event_date) AS first_event,
           max(event_date) AS last_event
    FROM facts
    GROUP BY episode
)
SELECT e.episode,
       e.label,
       e.window_start,
       e.window_end,
       r.first_event,
       r.last_event,
       coalesce(s.documents, 0) AS documents,
       coalesce(s.sentences, 0) AS sentences,
       s.outlets,
       coalesce(r.triggers, 0) AS triggers,
       coalesce(r.demands, 0) AS demands,
       coalesce(r.state_responses, 0) AS state_responses,
       coalesce(r.outcomes, 0) AS outcomes,
       coalesce(r.dated_events, 0) AS dated_events
FROM episodes AS e
LEFT JOIN sources AS s USING (episode)
LEFT JOIN rows_per_table AS r USING (episode)
ORDER BY e.ord
