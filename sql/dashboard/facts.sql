-- facts: the four fact tables as one, with the table each row came from (`dimension`).
-- Every later dashboard query starts from here.
SELECT 'triggers' AS dimension, * FROM triggers
UNION ALL
SELECT 'demands' AS dimension, * FROM demands
UNION ALL
SELECT 'state_responses' AS dimension, * FROM state_responses
UNION ALL
SELECT 'outcomes' AS dimension, * FROM outcomes
