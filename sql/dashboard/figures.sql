-- figures: the claimed figures from the compare step (compare_figures.parquet), one row per claim
-- (disagreeing claims are never merged), with the source document for the evidence. A measure
-- is a category in one unit; measures come in codebook order (killed, injured, ...). At most 100
-- claims per measure and episode are kept for the page: the lowest and highest claims first,
-- then the official ones, then the rest by value; the page says when some are left out (they are
-- all in the downloads).
SELECT f.measure, f.unit, f.episode, f.fact_table AS dimension,
       f.figure, f.value_low, f.value_high, f.qualifier,
       f.claimant, f.claimant_type,
       f.quote, f.event_date, f.record_id,
       d.title, d.outlet, d.published, d.url,
       row_number() OVER (
           PARTITION BY f.measure, f.unit, f.episode
           ORDER BY (f.is_lowest OR f.is_highest) DESC, f.is_official DESC,
                    coalesce(f.value_low, f.value_high), f.record_id
       ) AS rank
FROM compare_figures AS f
JOIN documents AS d USING (doc_id)
JOIN episodes AS e USING (episode)
JOIN categories AS c ON c.dimension = f.fact_table AND c.category = f.measure
QUALIFY rank <= 100
ORDER BY c.ord, f.unit, e.ord, coalesce(f.value_low, f.value_high), coalesce(f.value_high, f.value_low),
         f.record_id
