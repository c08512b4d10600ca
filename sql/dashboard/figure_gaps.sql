-- figure_gaps: per measure x episode, the official figures beside the highest claim: the gap the
-- figures chart shows. Straight from compare_figures, whose every claim row repeats them (vague
-- quantities such as "hundreds" are kept apart as vague_low..vague_high).
SELECT DISTINCT measure, unit, episode,
       n_claims, n_official_claims, official_lowest, official_highest,
       highest_claimed, non_official_highest, vague_low, vague_high,
       ratio_highest_to_official
FROM compare_figures
ORDER BY measure, unit, episode
