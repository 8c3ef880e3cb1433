-- Other ways to the same answers: money rounded to cents, the rate to four
-- decimals, a window function for the ranking, lower-case keywords.

-- question: monthly-revenue
with lines as (
  select o.customer_id, strftime('%Y-%m', o.order_date) as month,
         i.quantity * i.unit_price * (1 - i.discount) as amount
  from order_items i join orders o using (order_id)
  where o.status = 'completed' and o.order_date >= '2024-01-01' and o.order_date < '2025-01-01'
)
select r.name, l.month, round(sum(l.amount), 2)
from lines l
join customers c on c.customer_id = l.customer_id
join regions r on r.region_id = c.region_id
group by 1, 2
order by 2, 1;

-- question: top-products
select product_id, name, revenue from (
  select p.product_id, p.name, round(sum(i.quantity * i.unit_price * (1 - i.discount)), 2) as revenue,
         row_number() over (order by sum(i.quantity * i.unit_price * (1 - i.discount)) desc, p.product_id) as rank
  from products p
  join order_items i on i.product_id = p.product_id
  join orders o on o.order_id = i.order_id
  where o.status = 'completed' and o.order_date like '2024-%'
  group by p.product_id
)
where rank <= 5
order by rank;

-- question: repeat-rate
select r.name as region, count(*) as customers,
       round(avg(case when t.orders >= 2 then 1.0 else 0.0 end), 4) as repeat_rate
from (select customer_id, count(*) as orders from orders
      where status = 'completed' and order_date like '2024-%'
      group by customer_id) t
join customers c using (customer_id)
join regions r using (region_id)
group by r.name;
