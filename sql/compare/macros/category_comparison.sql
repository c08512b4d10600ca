-- category_comparison(table_name): one row per codebook category of a fact table × episode,
-- found or not, with its family roll-up. The body of compare_triggers, compare_demands,
-- compare_state_responses and compare_outcomes (their headers list the columns).
-- Created in warehouse.duckdb before the comparisons, so their views keep working there.

CREATE OR REPLACE MACRO category_comparison(table_name) AS TABLE
WITH categories AS (
    SELECT category, family
    FROM codebook_categories
    WHERE fact_table = table_name
),

coded AS (
    SELECT f.episode, f.category, f.doc_id, f.char_start, f.char_end, f.quote, f.event_date, d.outlet, d.published
    FROM query_table(table_name) AS f
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
ORDER BY g.family, g.category, g.window_start, g.episode;
