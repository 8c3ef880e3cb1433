SELECT r.name, COUNT(*) FROM customers c JOIN regions r USING (region_id) GROUP BY r.name;
