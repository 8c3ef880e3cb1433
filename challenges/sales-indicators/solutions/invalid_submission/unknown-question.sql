-- question: revenue
SELECT 1;
