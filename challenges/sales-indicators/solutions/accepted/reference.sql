-- The reference queries, as hidden/queries holds them.

-- question: monthly-revenue
SELECT r.name AS region,
       substr(o.order_date, 1, 7) AS month,
       SUM(i.quantity * i.unit_price * (1 - i.discount)) AS revenue
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN regions r ON r.region_id = c.region_id
JOIN order_items i ON i.order_id = o.order_id
WHERE o.status = 'completed'
  AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
GROUP BY r.name, month;

-- question: top-products
SELECT p.product_id,
       p.name,
       SUM(i.quantity * i.unit_price * (1 - i.discount)) AS revenue
FROM order_items i
JOIN orders o ON o.order_id = i.order_id
JOIN products p ON p.product_id = i.product_id
WHERE o.status = 'completed'
  AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
GROUP BY p.product_id, p.name
ORDER BY revenue DESC, p.product_id
LIMIT 5;

-- question: repeat-rate
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

