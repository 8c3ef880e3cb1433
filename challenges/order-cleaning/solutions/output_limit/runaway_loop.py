# Hostile to the output limit: a loop that forgets to advance.
import sys

lines = sys.stdin.read().splitlines()
print("order_id,order_date,city,quantity,unit_price,amount")
i = 1
while i < len(lines):
    print(lines[i] + ",0.00")
