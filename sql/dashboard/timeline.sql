-- timeline: dated events per episode in date order; the first 300 of each episode are kept
-- (the rest are in the downloads).
SELECT f.episode, f.event_date, f.dimension, f.category, f.quote,
       d.title, d.outlet, d.published, d.url,
       row_number() OVER (
           PARTITION BY f.episode ORDER BY f.event_date, f.dimension, f.category, f.record_id
       ) AS rank
FROM facts AS f
JOIN documents AS d USING (doc_id)
WHERE f.event_date IS NOT NULL
QUALIFY rank <= 300
ORDER BY f.episode, rank
