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
