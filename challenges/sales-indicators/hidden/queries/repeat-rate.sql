WITH buyers AS (
  SELECT o.customer_id, COUNT(*) AS n
  FROM orders o
  WHERE o.status = 'completed'
    AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
  GROUP BY o.customer_id
)
SELECT r.name AS region,
       COUNT(*) AS customers,
       1.0 * SUM(b.n >= 2) / COUNT(*) AS repeat_rate
FROM buyers b
JOIN customers c ON c.customer_id = b.customer_id
JOIN regions r ON r.region_id = c.region_id
GROUP BY r.name;
