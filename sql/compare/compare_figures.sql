-- compare_figures: what numbers are claimed for each measure in each episode, by whom, and how far apart?
--
-- One row per claim: every fact row that carries a figure (value_low or value_high), from any of
-- the four tables, kept as it is — disagreeing figures are never merged. A measure is a category
-- in one unit (outcomes/killed in people; outcomes/convicted in people and, separately, in years).
-- Beside each claim stand the figures of its measure × episode: the lowest and highest claimed,
-- the official ones (claimant_type 'official') and the others, and the highest over the official.
-- The official claims themselves are the rows with is_official (WHERE is_official lists them).
-- Vague quantities ("dozens" = 24-99, "hundreds" = 200-999) are kept as claims but are not numbers
-- anyone stated, so they are left out of lowest/highest/official figures and reported as vague_*.
-- Written to compare_figures.parquet and kept as the view `compare_figures` in warehouse.duckdb.
--
-- Columns:
--   fact_table                the table the claim is in (outcomes, state_responses, demands, triggers)
--   measure                   the claim's category (killed, injured, detained, convicted, ...)
--   unit                      people, years, troops, tenge_per_litre, ...
--   episode                   episode id (zhanaozen-2011 | january-2022)
--   figure                    the claim as text: "16", "at least 17", "up to 70", "200-999 (vague)"
--   value_low                 the claim's lower bound (NULL: open)
--   value_high                the claim's upper bound (NULL: open)
--   qualifier                 exact, at_least, more_than, about, up_to, vague
--   claimant                  who the text attributes the figure to (NULL: the text's own voice)
--   claimant_type             official, ngo, media, activist, other, unattributed
--   is_official               claimant_type = 'official'
--   is_vague                  qualifier = 'vague'
--   is_lowest                 this claim states the measure's lowest_claimed figure
--   is_highest                this claim states the measure's highest_claimed figure
--   n_claims                  claims of the measure in the episode (vague ones included)
--   n_official_claims         of which official
--   lowest_claimed            lowest number stated for the measure in the episode (vague claims aside)
--   highest_claimed           highest number stated (for "at least 17" the 17, for "up to 70" the 70)
--   official_lowest           lowest number stated by an official claimant
--   official_highest          highest number stated by an official claimant
--   non_official_lowest       lowest number stated by anyone else
--   non_official_highest      highest number stated by anyone else
--   vague_low                 lowest bound of the vague claims
--   vague_high                highest bound of the vague claims
--   ratio_highest_to_official highest_claimed / official_highest (NULL: no official number)
--   event_date                the claim's event date, when its sentence gives one
--   record_id                 the claim's row in its fact table
--   doc_id                    its evidence: document ...
--   char_start                ... and span in documents.text: quote = text[char_start:char_end]
--   char_end
--   quote
--
-- Reads: triggers, demands, state_responses, outcomes, codebook_episodes.

WITH figures AS (
    SELECT 'outcomes' AS fact_table, * FROM outcomes WHERE value_low IS NOT NULL OR value_high IS NOT NULL
    UNION ALL BY NAME
    SELECT 'state_responses' AS fact_table, * FROM state_responses WHERE value_low IS NOT NULL OR value_high IS NOT NULL
    UNION ALL BY NAME
    SELECT 'demands' AS fact_table, * FROM demands WHERE value_low IS NOT NULL OR value_high IS NOT NULL
    UNION ALL BY NAME
    SELECT 'triggers' AS fact_table, * FROM triggers WHERE value_low IS NOT NULL OR value_high IS NOT NULL
),

claims AS (
    SELECT
        *,
        claimant_type = 'official' AS is_official,
        qualifier = 'vague' AS is_vague,
        -- The number a claim states, read as a low and as a high figure.
        CASE WHEN qualifier IS DISTINCT FROM 'vague' THEN coalesce(value_low, value_high) END AS stated_low,
        CASE WHEN qualifier IS DISTINCT FROM 'vague' THEN coalesce(value_high, value_low) END AS stated_high,
        CASE WHEN value_low = trunc(value_low) THEN value_low::BIGINT::VARCHAR ELSE value_low::VARCHAR END AS low_text,
        CASE WHEN value_high = trunc(value_high) THEN value_high::BIGINT::VARCHAR ELSE value_high::VARCHAR END AS high_text
    FROM figures
),

worded AS (
    SELECT
        *,
        CASE
            WHEN qualifier = 'vague' THEN concat_ws('-', low_text, high_text) || ' (vague)'
            WHEN qualifier = 'at_least' THEN 'at least ' || coalesce(low_text, high_text)
            WHEN qualifier = 'more_than' THEN 'more than ' || coalesce(low_text, high_text)
            WHEN qualifier = 'up_to' THEN 'up to ' || coalesce(high_text, low_text)
            WHEN low_text = high_text OR high_text IS NULL OR low_text IS NULL
                THEN concat_ws(' ', CASE WHEN qualifier = 'about' THEN 'about' END, coalesce(low_text, high_text))
            ELSE concat_ws(' ', CASE WHEN qualifier = 'about' THEN 'about' END, low_text || '-' || high_text)
        END AS figure
    FROM claims
),

measures AS (
    SELECT
        fact_table,
        category,
        unit,
        episode,
        count(*) AS n_claims,
        count(*) FILTER (WHERE is_official) AS n_official_claims,
        min(stated_low) AS lowest_claimed,
        max(stated_high) AS highest_claimed,
        min(stated_low) FILTER (WHERE is_official) AS official_lowest,
        max(stated_high) FILTER (WHERE is_official) AS official_highest,
        min(stated_low) FILTER (WHERE NOT is_official OR is_official IS NULL) AS non_official_lowest,
        max(stated_high) FILTER (WHERE NOT is_official OR is_official IS NULL) AS non_official_highest,
        min(value_low) FILTER (WHERE is_vague) AS vague_low,
        max(value_high) FILTER (WHERE is_vague) AS vague_high
    FROM worded
    GROUP BY fact_table, category, unit, episode
)

SELECT
    w.fact_table,
    w.category AS measure,
    w.unit,
    w.episode,
    w.figure,
    w.value_low,
    w.value_high,
    w.qualifier,
    w.claimant,
    w.claimant_type,
    coalesce(w.is_official, false) AS is_official,
    coalesce(w.is_vague, false) AS is_vague,
    coalesce(w.stated_low = m.lowest_claimed, false) AS is_lowest,
    coalesce(w.stated_high = m.highest_claimed, false) AS is_highest,
    m.n_claims,
    m.n_official_claims,
    m.lowest_claimed,
    m.highest_claimed,
    m.official_lowest,
    m.official_highest,
    m.non_official_lowest,
    m.non_official_highest,
    m.vague_low,
    m.vague_high,
    m.highest_claimed / nullif(m.official_highest, 0) AS ratio_highest_to_official,
    w.event_date,
    w.record_id,
    w.doc_id,
    w.char_start,
    w.char_end,
    w.quote
FROM worded AS w
JOIN measures AS m
    ON m.fact_table = w.fact_table
    AND m.category = w.category
    AND m.unit IS NOT DISTINCT FROM w.unit
    AND m.episode IS NOT DISTINCT FROM w.episode
LEFT JOIN codebook_episodes AS e ON e.episode = w.episode
ORDER BY
    w.fact_table, w.category, w.unit, e.window_start, w.episode,
    w.stated_low NULLS LAST, w.value_low, w.value_high, w.doc_id, w.char_start, w.record_id
