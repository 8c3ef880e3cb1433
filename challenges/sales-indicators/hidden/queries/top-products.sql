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
