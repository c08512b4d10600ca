-- compare_triggers: what set each episode off, and how well attested is each trigger?
--
-- One row per trigger category of the codebook × episode, found or not, with the roll-up to the
-- category's family (labour, legal, economic, political, mobilisation) beside it. Written to
-- compare_triggers.parquet and kept as the view `compare_triggers` in warehouse.duckdb.
-- compare_demands, compare_state_responses and compare_outcomes have the same columns.
--
-- Columns:
--   family                     the category's family in the codebook
--   category                   trigger category id
--   episode                    episode id (zhanaozen-2011 | january-2022)
--   present                    true when at least one row codes this category to this episode
--   n_rows                     rows of `triggers` for the category in the episode
--   n_documents                distinct documents supporting it
--   n_outlets                  distinct outlets of those documents (documents without an outlet not counted)
--   first_event_date           earliest event_date of those rows (NULL: no row dated)
--   first_published            earliest publication date of a supporting document
--   quote                      a representative quote: the earliest-dated row's, then the earliest
--                              published document's, then by document id and position
--   quote_doc_id               the quote's document ...
--   quote_char_start           ... and its span in documents.text: quote = text[quote_char_start:quote_char_end]
--   quote_char_end
--   family_present             true when any category of the family is present in the episode
--   family_categories_present  categories of the family present in the episode
--   family_categories          categories of the family in the codebook
--   family_n_rows              rows of any category of the family in the episode
--   family_n_documents         distinct documents supporting any category of the family in the episode
--
-- Reads: codebook_categories, codebook_episodes, triggers, documents.

WITH categories AS (
    SELECT category, family
    FROM codebook_categories
    WHERE fact_table = 'triggers'
),

coded AS (
    SELECT f.episode, f.category, f.doc_id, f.char_start, f.char_end, f.quote, f.event_date, d.outlet, d.published
    FROM triggers AS f
    LEFT JOIN documents AS d USING (doc_id)
),

per_category AS (
    SELECT
        episode,
        category,
        count(*) AS n_rows,
        count(DISTINCT doc_id) AS n_documents,
        count(DISTINCT outlet) AS n_outlets,
        min(event_date) AS first_event_date,
        min(published) AS first_published
    FROM coded
    GROUP BY episode, category
),

representative AS (
    SELECT episode, category, quote, doc_id, char_start, char_end
    FROM coded
    QUALIFY row_number() OVER (
        PARTITION BY episode, category
        ORDER BY event_date NULLS LAST, published NULLS LAST, doc_id, char_start, char_end
    ) = 1
),

per_family AS (
    SELECT
        c.family,
        f.episode,
        count(*) AS family_n_rows,
        count(DISTINCT f.doc_id) AS family_n_documents
    FROM coded AS f
    JOIN categories AS c USING (category)
    GROUP BY c.family, f.episode
),

grid AS (
    SELECT
        c.family,
        c.category,
        e.episode,
        e.window_start,
        p.n_rows IS NOT NULL AS present,
        coalesce(p.n_rows, 0) AS n_rows,
        coalesce(p.n_documents, 0) AS n_documents,
        coalesce(p.n_outlets, 0) AS n_outlets,
        p.first_event_date,
        p.first_published,
        r.quote,
        r.doc_id AS quote_doc_id,
        r.char_start AS quote_char_start,
        r.char_end AS quote_char_end
    FROM categories AS c
    CROSS JOIN codebook_episodes AS e
    LEFT JOIN per_category AS p ON p.category = c.category AND p.episode = e.episode
    LEFT JOIN representative AS r ON r.category = c.category AND r.episode = e.episode
)

SELECT
    g.family,
    g.category,
    g.episode,
    g.present,
    g.n_rows,
    g.n_documents,
    g.n_outlets,
    g.first_event_date,
    g.first_published,
    g.quote,
    g.quote_doc_id,
    g.quote_char_start,
    g.quote_char_end,
    bool_or(g.present) OVER family_episode AS family_present,
    count(*) FILTER (WHERE g.present) OVER family_episode AS family_categories_present,
    count(*) OVER family_episode AS family_categories,
    coalesce(pf.family_n_rows, 0) AS family_n_rows,
    coalesce(pf.family_n_documents, 0) AS family_n_documents
FROM grid AS g
LEFT JOIN per_family AS pf ON pf.family = g.family AND pf.episode = g.episode
WINDOW family_episode AS (PARTITION BY g.family, g.episode)
ORDER BY g.family, g.category, g.window_start, g.episode
