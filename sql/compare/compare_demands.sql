-- compare_demands: what did protesters ask for in each episode, and how well attested is each demand?
--
-- One row per demand category of the codebook × episode, found or not, with the roll-up to the
-- category's family (labour, economic, political, justice) beside it. Written to
-- compare_demands.parquet and kept as the view `compare_demands` in warehouse.duckdb.
-- compare_triggers, compare_state_responses and compare_outcomes have the same columns.
--
-- Columns:
--   family                     the category's family in the codebook
--   category                   demand category id
--   episode                    episode id (zhanaozen-2011 | january-2022)
--   present                    true when at least one row codes this category to this episode
--   n_rows                     rows of `demands` for the category in the episode
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
-- Reads: codebook_categories, codebook_episodes, demands, documents.

SELECT c.*
FROM category_comparison('demands') AS c
JOIN codebook_episodes AS e ON e.episode = c.episode
ORDER BY c.family, c.category, e.window_start, c.episode
