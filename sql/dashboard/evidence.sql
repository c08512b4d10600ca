-- evidence: the quotes behind each category x episode cell, with their document, outlet and
-- dates; earliest published first. Only the first 50 of a cell are kept: the page says how many
-- more there are and the full list is in the downloads.
SELECT f.dimension, f.category, f.episode,
       row_number() OVER (
           PARTITION BY f.dimension, f.category, f.episode
           ORDER BY d.published NULLS LAST, f.doc_id, f.char_start, f.record_id
       ) AS rank,
       f.quote, f.actor, f.claimant, f.claimant_type, f.event_date,
       d.title, d.outlet, d.published, d.url
FROM facts AS f
JOIN documents AS d USING (doc_id)
QUALIFY rank <= 50
ORDER BY f.dimension, f.category, f.episode, rank
