-- figure_gaps: per measure x episode, the official figure beside the highest claim of anyone
-- else, and their ratio: the gap the figures chart shows.
SELECT measure, unit, episode,
       count(*) AS claims,
       max(coalesce(value_high, value_low)) FILTER (WHERE claimant_type = 'official') AS official_high,
       max(coalesce(value_high, value_low)) FILTER (WHERE claimant_type <> 'official') AS others_high,
       others_high / nullif(official_high, 0) AS others_to_official
FROM figures
GROUP BY measure, unit, episode
ORDER BY measure, unit, episode
