-- compare_state_responses: how did the state answer each episode, and how well attested is each response?
--
-- One row per state response category of the codebook × episode, found or not, with the roll-up to the
-- category's family (repression, information, framing, concession, non_response) beside it. Written to
-- compare_state_responses.parquet and kept as the view `compare_state_responses` in warehouse.duckdb.
-- compare_triggers, compare_demands and compare_outcomes have the same columns.
--
-- Columns:
--   family                     the category's family in the codebook
--   category                   state response category id
--   episode                    episode id (zhanaozen-2011 | january-2022)
--   present                    true when at least one row codes this category to this episode
--   n_rows                     rows of `state_responses` for the category in the episode
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
-- Reads: codebook_categories, codebook_episodes, state_responses, documents.

SELECT c.*
FROM category_comparison('state_responses') AS c
JOIN codebook_episodes AS e ON e.episode = c.episode
ORDER BY c.family, c.category, e.window_start, c.episode
