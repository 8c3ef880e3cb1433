"""Makes the data of the order-cleaning challenge, reproducibly.

Run from the package directory: python3 generator/generate.py
It draws clean orders, then dirties them the way exports from several shop
systems do (date formats, city spellings, currency signs, duplicates,
invalid rows), and writes the dirty file as a test input and the clean one,
computed from the drawn orders and not by a solution, as its answer.
Standard library only, so every Python 3 writes the same files.
"""
import csv
import datetime
import io
import os
import random
from decimal import Decimal

CITIES = {
    "北京": ["北京", "北京市", "beijing", "Beijing", "BJ", "BEIJING"],
    "上海": ["上海", "上海市", "shanghai", "Shanghai", "SH"],
    "广州": ["广州", "广州市", "guangzhou", "Guangzhou", "GZ"],
    "深圳": ["深圳", "深圳市", "shenzhen", "ShenZhen", "SZ"],
    "杭州": ["杭州", "杭州市", "hangzhou", "Hangzhou", "HZ"],
    "成都": ["成都", "成都市", "chengdu", "Chengdu", "CD"],
}
HEADER_IN = ["order_id", "order_date", "city", "quantity", "unit_price"]
HEADER_OUT = ["order_id", "order_date", "city", "quantity", "unit_price", "amount"]


def dirty_date(rng, d):
    return rng.choice([
        d.strftime("%Y-%m-%d"),
        f"{d.year}/{d.month}/{d.day}",
        d.strftime("%d.%m.%Y"),
        d.strftime("%Y%m%d"),
        f"{d.year}年{d.month}月{d.day}日",
    ])


def dirty_price(rng, p):
    s = f"{p:.2f}"
    whole, cents = s.split(".")
    grouped = f"{int(whole):,}.{cents}"
    return rng.choice([s, f"¥{s}", f"￥{grouped}", grouped, f" {s} ", s.rstrip("0").rstrip(".")])


def dirty_city(rng, city):
    alias = rng.choice(CITIES[city])
    return rng.choice([alias, f" {alias}", f"{alias} "])


def orders(seed, n, glitches):
    """Returns the dirty rows and the clean rows they should become."""
    rng = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    ids = rng.sample(range(10000, 99999), n)
    dirty, clean = [], []
    for oid in ids:
        d = start + datetime.timedelta(days=rng.randrange(366))
        city = rng.choice(sorted(CITIES))
        qty = rng.randint(1, 20)
        price = Decimal(rng.randint(100, 500000)) / 100
        row = [str(oid), dirty_date(rng, d), dirty_city(rng, city), str(qty), dirty_price(rng, price)]
        if rng.random() < 0.1:
            row[0] = f" {oid} "
        broken = rng.random()
        if broken < 0.04:
            row[3] = rng.choice(["0", "-2", "", "three"])
        elif broken < 0.07:
            row[4] = rng.choice(["", "N/A", "-5.00"])
        elif broken < 0.10:
            row[1] = rng.choice(["", "N/A", "2024-02-30", "2024/13/01", "31.04.2024"])
        else:
            clean.append([str(oid), d.isoformat(), city, str(qty), f"{price:.2f}", f"{price * qty:.2f}"])
        dirty.append(row)
        if rng.random() < 0.06:
            # The same order exported again by another system, formatted its
            # way: it cleans to the same row (and is as broken, if it is).
            again = [row[0], dirty_date(rng, d) if broken >= 0.10 else row[1], dirty_city(rng, city), row[3],
                     dirty_price(rng, price) if broken >= 0.07 or broken < 0.04 else row[4]]
            dirty.insert(rng.randrange(len(dirty) + 1) if rng.random() < 0.5 else len(dirty), again)
    # Sensor glitches from a till: a runaway date field, which must be dropped.
    for i in range(glitches):
        oid = 100000 + i
        dirty.insert(rng.randrange(len(dirty)), [str(oid), "2024030512345678901234567890#", "上海", "1", "9.90"])
    clean.sort(key=lambda r: int(r[0]))
    return dirty, clean


def write(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def main():
    os.makedirs("attachments", exist_ok=True)
    os.makedirs("hidden/tests", exist_ok=True)
    aliases = sorted({(a.strip().lower(), c) for c, names in CITIES.items() for a in names})
    write("attachments/city_aliases.csv", ["alias", "city"], aliases)
    for name, seed, n, glitches in [("01-sample", 7001, 40, 0), ("02-shop-a", 7002, 300, 2), ("03-shop-b", 7003, 400, 3)]:
        dirty, clean = orders(seed, n, glitches)
        write(f"hidden/tests/{name}.in", HEADER_IN, dirty)
        write(f"hidden/tests/{name}.ans", HEADER_OUT, clean)
        if name == "01-sample":
            write("attachments/sample_orders.csv", HEADER_IN, dirty)
            write("attachments/sample_clean.csv", HEADER_OUT, clean)


if __name__ == "__main__":
    main()
