-- A recursive query that never ends; the other questions are left out.

-- question: monthly-revenue
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
SELECT COUNT(*) FROM n;
