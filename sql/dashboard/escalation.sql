-- escalation: per episode, the order in which demand families first appeared (compare step's
-- compare_escalation.parquet), with the document of the demand that attests each first.
SELECT x.episode, x.appearance_rank, x.family, x.first_attested, x.days_after_first_demand,
       x.days_after_previous, x.first_category, x.quote, x.n_rows, x.n_documents,
       d.title, d.outlet, d.published, d.url
FROM compare_escalation AS x
JOIN documents AS d USING (doc_id)
JOIN episodes AS e USING (episode)
ORDER BY e.ord, x.appearance_rank
