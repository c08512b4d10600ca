-- episode_overview: the overview's rows, one per episode: the compare step's episode overview
-- (compare_episode_overview.parquet) with its lists joined for reading, plus how many fact rows
-- carry an event date (the timeline says when it shows only the first of them).
SELECT o.episode, o.label, o.window_start, o.window_end,
       o.first_event_date AS first_event,
       o.last_event_date AS last_event,
       array_to_string(o.places_named, ', ') AS places,
       o.n_documents AS documents,
       o.n_sentences AS sentences,
       array_to_string(o.outlets, ', ') AS outlets,
       o.n_triggers AS triggers,
       o.n_demands AS demands,
       o.n_state_responses AS state_responses,
       o.n_outcomes AS outcomes,
       (SELECT count(*) FROM facts AS f WHERE f.episode = o.episode AND f.event_date IS NOT NULL) AS dated_events
FROM compare_episode_overview AS o
JOIN episodes AS e USING (episode)
ORDER BY e.ord
