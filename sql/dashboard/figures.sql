-- figures: every claimed figure from the compare step (compare_figures.parquet), one row per claim
-- (disagreeing claims are never merged), with the source document for the evidence. A measure is a
-- category in one unit.
SELECT f.measure, f.unit, f.episode, f.fact_table AS dimension,
       f.figure, f.value_low, f.value_high, f.qualifier,
       f.claimant, f.claimant_type,
       f.quote, f.event_date, f.record_id,
       d.title, d.outlet, d.published, d.url
FROM compare_figures AS f
JOIN documents AS d USING (doc_id)
JOIN episodes AS e USING (episode)
ORDER BY f.measure, f.unit, e.ord, coalesce(f.value_low, f.value_high), coalesce(f.value_high, f.value_low),
         f.record_id
