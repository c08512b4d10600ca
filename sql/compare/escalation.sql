-- escalation: in what order did each episode's demand families appear — did economic demands turn political, and how fast?
--
-- One row per demand family (labour, economic, political, justice) found in an episode, ranked by
-- when it is first attested. A demand is attested on its event_date when its sentence dates it,
-- otherwise on its document's publication date (the demand had been made by then); families
-- attested on the same day are ordered by document id, then by where they first appear in it
-- (so the order of a list of demands in one text is kept). Written to
-- compare_escalation.parquet and kept as the view `escalation` in warehouse.duckdb.
--
-- Columns:
--   episode                  episode id (zhanaozen-2011 | january-2022)
--   appearance_rank          1 for the family that appeared first in the episode, then 2, ...
--   family                   demand family
--   previous_family          the family ranked just before (NULL for the first)
--   first_attested           the family's first attestation date (event_date, else the document's published)
--   first_event_date         earliest event_date of the family's demands (NULL: none dated)
--   days_after_first_demand  days from the episode's first attested demand to this family's
--   days_after_previous      days from the previous family's first attestation to this one's
--   first_category           the demand that attests the family first ...
--   quote                    ... its quote ...
--   doc_id                   ... document ...
--   char_start               ... and span in documents.text: quote = text[char_start:char_end]
--   char_end
--   categories               sorted list of the family's demand categories found in the episode
--   n_categories             how many that is
--   n_rows                   rows of `demands` of the family in the episode
--   n_documents              distinct documents supporting them
--
-- Reads: demands, documents, codebook_episodes.

WITH attested AS (
    SELECT
        f.episode,
        f.family,
        f.category,
        f.doc_id,
        f.char_start,
        f.char_end,
        f.quote,
        f.event_date,
        coalesce(f.event_date, d.published) AS attested_on
    FROM demands AS f
    LEFT JOIN documents AS d USING (doc_id)
    WHERE f.episode IS NOT NULL
),

first_of_family AS (
    SELECT *
    FROM attested
    QUALIFY row_number() OVER (
        PARTITION BY episode, family
        ORDER BY attested_on NULLS LAST, doc_id, char_start, char_end, category
    ) = 1
),

per_family AS (
    SELECT
        episode,
        family,
        min(event_date) AS first_event_date,
        list_sort(list(DISTINCT category)) AS categories,
        count(*) AS n_rows,
        count(DISTINCT doc_id) AS n_documents
    FROM attested
    GROUP BY episode, family
),

ranked AS (
    SELECT
        f.episode,
        row_number() OVER episode_order AS appearance_rank,
        f.family,
        lag(f.family) OVER episode_order AS previous_family,
        f.attested_on AS first_attested,
        p.first_event_date,
        f.attested_on - min(f.attested_on) OVER (PARTITION BY f.episode) AS days_after_first_demand,
        f.attested_on - lag(f.attested_on) OVER episode_order AS days_after_previous,
        f.category AS first_category,
        f.quote,
        f.doc_id,
        f.char_start,
        f.char_end,
        p.categories,
        len(p.categories)::BIGINT AS n_categories,
        p.n_rows,
        p.n_documents
    FROM first_of_family AS f
    JOIN per_family AS p USING (episode, family)
    WINDOW episode_order AS (
        PARTITION BY f.episode
        ORDER BY f.attested_on NULLS LAST, f.doc_id, f.char_start, f.char_end, f.family
    )
)

SELECT r.*
FROM ranked AS r
LEFT JOIN codebook_episodes AS e USING (episode)
ORDER BY e.window_start, r.episode, r.appearance_rank
