-- episode_overview: what does the corpus hold about each episode, when did it happen and where?
--
-- One row per episode of the codebook, found in the texts or not. Written to
-- compare_episode_overview.parquet and kept as the view `episode_overview` in warehouse.duckdb.
-- Sentences count for the episode ingest placed them in; facts for the episode they were coded to.
--
-- Columns:
--   episode             episode id (zhanaozen-2011 | january-2022)
--   label               the episode's name in the codebook ("Zhanaozen 2011")
--   window_start        first day of the episode's window in the codebook
--   window_end          last day of the window (aftermath included)
--   first_event_date    earliest event_date on any fact row of the episode (NULL: no row dated)
--   last_event_date     latest event_date on any fact row of the episode
--   places_named        sorted list of places (codebook/places.yaml) named in the episode's sentences
--   n_places            how many places that is
--   n_documents         documents with at least one sentence placed in the episode
--   n_sentences         sentences placed in the episode
--   n_triggers          rows of `triggers` coded to the episode
--   n_demands           rows of `demands`
--   n_state_responses   rows of `state_responses`
--   n_outcomes          rows of `outcomes`
--   outlets             sorted list of the outlets of those documents (the distinct sources)
--   n_outlets           how many outlets that is
--
-- Reads: codebook_episodes, codebook_places, documents, sentences, triggers, demands,
-- state_responses, outcomes.

WITH facts AS (
    SELECT 'triggers' AS fact_table, episode, event_date FROM triggers
    UNION ALL
    SELECT 'demands', episode, event_date FROM demands
    UNION ALL
    SELECT 'state_responses', episode, event_date FROM state_responses
    UNION ALL
    SELECT 'outcomes', episode, event_date FROM outcomes
),

fact_counts AS (
    SELECT
        episode,
        min(event_date) AS first_event_date,
        max(event_date) AS last_event_date,
        count(*) FILTER (WHERE fact_table = 'triggers') AS n_triggers,
        count(*) FILTER (WHERE fact_table = 'demands') AS n_demands,
        count(*) FILTER (WHERE fact_table = 'state_responses') AS n_state_responses,
        count(*) FILTER (WHERE fact_table = 'outcomes') AS n_outcomes
    FROM facts
    GROUP BY episode
),

episode_sentences AS (
    SELECT episode, doc_id, text
    FROM sentences
    WHERE episode IS NOT NULL
),

sentence_counts AS (
    SELECT
        s.episode,
        count(DISTINCT s.doc_id) AS n_documents,
        count(*) AS n_sentences,
        list_sort(list(DISTINCT d.outlet) FILTER (WHERE d.outlet IS NOT NULL)) AS outlets
    FROM episode_sentences AS s
    JOIN documents AS d USING (doc_id)
    GROUP BY s.episode
),

-- A place is named when one of a sentence's words is one of its spellings.
sentence_words AS (
    SELECT episode, unnest(regexp_split_to_array(lower(text), '[^\pL\pN-]+')) AS word
    FROM episode_sentences
),

places_named AS (
    SELECT w.episode, list_sort(list(DISTINCT p.place)) AS places_named
    FROM (SELECT DISTINCT episode, word FROM sentence_words) AS w
    JOIN codebook_places AS p ON p.spelling = w.word
    GROUP BY w.episode
)

SELECT
    e.episode,
    e.label,
    e.window_start,
    e.window_end,
    f.first_event_date,
    f.last_event_date,
    coalesce(p.places_named, []::VARCHAR[]) AS places_named,
    len(coalesce(p.places_named, []::VARCHAR[]))::BIGINT AS n_places,
    coalesce(s.n_documents, 0) AS n_documents,
    coalesce(s.n_sentences, 0) AS n_sentences,
    coalesce(f.n_triggers, 0) AS n_triggers,
    coalesce(f.n_demands, 0) AS n_demands,
    coalesce(f.n_state_responses, 0) AS n_state_responses,
    coalesce(f.n_outcomes, 0) AS n_outcomes,
    coalesce(s.outlets, []::VARCHAR[]) AS outlets,
    len(coalesce(s.outlets, []::VARCHAR[]))::BIGINT AS n_outlets
FROM codebook_episodes AS e
LEFT JOIN fact_counts AS f USING (episode)
LEFT JOIN sentence_counts AS s USING (episode)
LEFT JOIN places_named AS p USING (episode)
ORDER BY e.window_start, e.episode
