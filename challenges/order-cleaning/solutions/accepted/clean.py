# Cleans the orders with the standard library only.
import csv
import datetime
import re
import sys
from decimal import Decimal, InvalidOperation

with open("city_aliases.csv", encoding="utf-8", newline="") as f:
    CITY = {row["alias"]: row["city"] for row in csv.DictReader(f)}

FORMATS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), (1, 2, 3)),
]


def date(s):
    s = s.strip()
    for pattern, (y, m, d) in FORMATS:
        match = pattern.match(s)
        if match:
            try:
                return datetime.date(int(match[y]), int(match[m]), int(match[d])).isoformat()
            except ValueError:
                return None
    return None


def price(s):
    s = s.strip().lstrip("¥￥").replace(",", "")
    try:
        p = Decimal(s)
    except InvalidOperation:
        return None
    return p if p > 0 else None


def quantity(s):
    s = s.strip()
    return int(s) if s.isdigit() and int(s) > 0 else None


seen = set()
out = []
reader = csv.reader(sys.stdin)
next(reader)
for order_id, order_date, city, qty, unit_price in reader:
    order_id = order_id.strip()
    if order_id in seen:
        continue
    seen.add(order_id)
    d, c, q, p = date(order_date), CITY.get(city.strip().lower()), quantity(qty), price(unit_price)
    if None in (d, c, q, p):
        continue
    out.append((int(order_id), [order_id, d, c, str(q), f"{p:.2f}", f"{p * q:.2f}"]))

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["order_id", "order_date", "city", "quantity", "unit_price", "amount"])
for _, row in sorted(out):
    w.writerow(row)
