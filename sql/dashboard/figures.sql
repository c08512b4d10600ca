-- figures: every claimed figure, one row per claim (disagreeing claims are never merged),
-- with its bounds, qualifier, claimant and source. A measure is a category in a unit.
SELECT f.category AS measure, f.unit, f.episode, f.dimension,
       f.value_low, f.value_high, f.qualifier,
       f.claimant, f.claimant_type,
       f.quote, f.event_date, f.record_id,
       d.title, d.outlet, d.published, d.url
FROM facts AS f
JOIN documents AS d USING (doc_id)
JOIN episodes AS e USING (episode)
WHERE f.value_low IS NOT NULL OR f.value_high IS NOT NULL
ORDER BY f.category, f.unit, e.ord, coalesce(f.value_low, f.value_high), coalesce(f.value_high, f.value_low),
         f.record_id
