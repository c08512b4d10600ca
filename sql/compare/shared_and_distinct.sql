-- shared_and_distinct: which triggers, demands, state responses and outcomes do the two episodes share, and which belong to one only?
--
-- One row per category of the codebook (all four tables), found or not. Written to
-- compare_shared_and_distinct.parquet and kept as the view `shared_and_distinct` in warehouse.duckdb.
--
-- Columns:
--   fact_table         triggers, demands, state_responses or outcomes
--   family             the category's family in the codebook
--   category           category id
--   presence           'both', 'only_2011' (zhanaozen-2011), 'only_2022' (january-2022) or 'neither'
--   in_2011            at least one row codes the category to zhanaozen-2011
--   in_2022            at least one row codes the category to january-2022
--   n_rows_2011        rows coding it to zhanaozen-2011
--   n_rows_2022        rows coding it to january-2022
--   n_documents_2011   distinct documents supporting it for zhanaozen-2011
--   n_documents_2022   distinct documents supporting it for january-2022
--
-- Reads: codebook_categories, triggers, demands, state_responses, outcomes.

WITH facts AS (
    SELECT 'triggers' AS fact_table, category, episode, doc_id FROM triggers
    UNION ALL
    SELECT 'demands', category, episode, doc_id FROM demands
    UNION ALL
    SELECT 'state_responses', category, episode, doc_id FROM state_responses
    UNION ALL
    SELECT 'outcomes', category, episode, doc_id FROM outcomes
),

per_category AS (
    SELECT
        fact_table,
        category,
        count(*) FILTER (WHERE episode = 'zhanaozen-2011') AS n_rows_2011,
        count(*) FILTER (WHERE episode = 'january-2022') AS n_rows_2022,
        count(DISTINCT doc_id) FILTER (WHERE episode = 'zhanaozen-2011') AS n_documents_2011,
        count(DISTINCT doc_id) FILTER (WHERE episode = 'january-2022') AS n_documents_2022
    FROM facts
    GROUP BY fact_table, category
),

flagged AS (
    SELECT
        c.fact_table,
        c.family,
        c.category,
        coalesce(p.n_rows_2011, 0) > 0 AS in_2011,
        coalesce(p.n_rows_2022, 0) > 0 AS in_2022,
        coalesce(p.n_rows_2011, 0) AS n_rows_2011,
        coalesce(p.n_rows_2022, 0) AS n_rows_2022,
        coalesce(p.n_documents_2011, 0) AS n_documents_2011,
        coalesce(p.n_documents_2022, 0) AS n_documents_2022
    FROM codebook_categories AS c
    LEFT JOIN per_category AS p USING (fact_table, category)
)

SELECT
    fact_table,
    family,
    category,
    CASE
        WHEN in_2011 AND in_2022 THEN 'both'
        WHEN in_2011 THEN 'only_2011'
        WHEN in_2022 THEN 'only_2022'
        ELSE 'neither'
    END AS presence,
    in_2011,
    in_2022,
    n_rows_2011,
    n_rows_2022,
    n_documents_2011,
    n_documents_2022
FROM flagged
ORDER BY
    CASE fact_table WHEN 'triggers' THEN 1 WHEN 'demands' THEN 2 WHEN 'state_responses' THEN 3 ELSE 4 END,
    family,
    category
