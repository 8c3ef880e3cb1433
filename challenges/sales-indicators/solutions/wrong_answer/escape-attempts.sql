-- Hostile: change the data, reach other files, load code. Every query must
-- fail with a message, and nothing may change for the next query.

-- question: monthly-revenue
DELETE FROM orders WHERE status <> 'completed' RETURNING order_id;

-- question: top-products
ATTACH DATABASE '/etc/passwd' AS host;

-- question: repeat-rate
SELECT load_extension('/tmp/evil.so');
