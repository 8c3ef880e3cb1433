#!/usr/bin/env python3
"""Generates the sales warehouse databases and the reference solutions.

Reproducible: the same seeds give the same data on any Python 3 (the file
bytes may differ between SQLite versions; the data does not). Run from the
package directory:  python3 generate.py
It writes
  attachments/warehouse.db        the sample warehouse contestants explore
  hidden/warehouse-b.db           hidden variants with other data, so that an
  hidden/warehouse-c.db           answer typed in by hand fails
  solutions/...                   reference submissions with their expected result
The reference queries themselves live in hidden/queries/ (written by hand).
Only the standard library is used.
"""

import datetime
import os
import random
import sqlite3

REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"]
CATEGORIES = {
    "办公设备": ["激光打印机", "碎纸机", "投影仪", "扫描仪", "考勤机"],
    "电脑配件": ["机械键盘", "无线鼠标", "27 英寸显示器", "USB-C 扩展坞", "移动硬盘 2TB", "笔记本支架"],
    "网络设备": ["千兆路由器", "24 口交换机", "无线 AP", "网线 (箱)"],
    "耗材": ["A4 复印纸 (箱)", "硒鼓", "墨盒 (黑)", "标签纸"],
    "智能终端": ["平板电脑", "扫码枪", "手持 PDA", "工业 RFID 读写器"],
}
SCHEMA = """
CREATE TABLE regions (
  region_id   INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE
);
CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  region_id   INTEGER NOT NULL REFERENCES regions(region_id),
  signup_date TEXT NOT NULL            -- YYYY-MM-DD
);
CREATE TABLE products (
  product_id  INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  category    TEXT NOT NULL,
  list_price  REAL NOT NULL
);
CREATE TABLE orders (
  order_id    INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
  order_date  TEXT NOT NULL,           -- YYYY-MM-DD
  status      TEXT NOT NULL CHECK (status IN ('completed', 'cancelled', 'refunded'))
);
CREATE TABLE order_items (
  order_id    INTEGER NOT NULL REFERENCES orders(order_id),
  product_id  INTEGER NOT NULL REFERENCES products(product_id),
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  unit_price  REAL NOT NULL,           -- price actually charged per unit, before discount
  discount    REAL NOT NULL DEFAULT 0, -- share taken off the line, 0 <= discount < 1
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX orders_by_customer ON orders(customer_id);
CREATE INDEX orders_by_date ON orders(order_date);
"""
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
SUFFIXES = ["科技", "贸易", "制造", "物流", "信息", "电子", "实业", "软件"]
CITIES = ["苏州", "杭州", "深圳", "广州", "北京", "天津", "武汉", "成都", "重庆", "西安", "沈阳", "长沙", "合肥", "宁波"]

# seed, customers, orders, regions used
VARIANTS = [
    ("attachments/warehouse.db", 11, 220, 1400, REGIONS),
    ("hidden/warehouse-b.db", 22, 180, 1200, REGIONS),
    # Fewer regions, one of which has customers but no orders at all.
    ("hidden/warehouse-c.db", 33, 160, 1000, REGIONS[:5]),
]


def day(rng, start, end):
    span = (end - start).days
    return (start + datetime.timedelta(days=rng.randrange(span + 1))).isoformat()


def build(path, seed, n_customers, n_orders, regions):
    rng = random.Random(seed)
    if os.path.exists(path):
        os.remove(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO regions VALUES (?, ?)", list(enumerate(regions, 1)))
    silent = len(regions)  # in the small variant the last region never orders
    names = set()
    customers = []
    for cid in range(1, n_customers + 1):
        while True:
            name = rng.choice(CITIES) + rng.choice(SURNAMES) + rng.choice("氏盛达通华信恒泰丰源") + rng.choice(SUFFIXES) + "有限公司"
            if name not in names:
                names.add(name)
                break
        region = rng.randrange(1, len(regions) + 1)
        customers.append((cid, name, region, day(rng, datetime.date(2021, 1, 1), datetime.date(2024, 6, 30))))
    db.executemany("INSERT INTO customers VALUES (?, ?, ?, ?)", customers)
    products = []
    pid = 0
    for cat, items in CATEGORIES.items():
        for item in items:
            pid += 1
            price = round(rng.choice([19.9, 49, 89, 129, 199, 299, 499, 899, 1299, 2499, 3999]) * rng.uniform(0.9, 1.1), 1)
            products.append((pid, item, cat, price))
    db.executemany("INSERT INTO products VALUES (?, ?, ?, ?)", products)
    buyers = [c for c in customers if not (len(regions) < len(REGIONS) and c[2] == silent)]
    # A few customers buy often, most rarely: repeat rates differ by region.
    weights = [rng.paretovariate(1.3) for _ in buyers]
    items = []
    for oid in range(1, n_orders + 1):
        cust = rng.choices(buyers, weights=weights)[0]
        start = max(datetime.date.fromisoformat(cust[3]), datetime.date(2023, 1, 1))
        date = day(rng, start, datetime.date(2024, 12, 31))
        status = rng.choices(["completed", "cancelled", "refunded"], weights=[86, 9, 5])[0]
        db.execute("INSERT INTO orders VALUES (?, ?, ?, ?)", (oid, cust[0], date, status))
        for p in rng.sample(products, rng.choice([1, 1, 1, 2, 2, 3, 4])):
            qty = rng.choice([1, 1, 2, 3, 5, 10, 20])
            price = p[3] if rng.random() < 0.8 else round(p[3] * rng.uniform(0.85, 1.0), 1)
            discount = rng.choice([0, 0, 0, 0.05, 0.1, 0.15]) if qty >= 5 else rng.choice([0, 0, 0, 0, 0.05])
            items.append((oid, p[0], qty, price, discount))
    db.executemany("INSERT INTO order_items VALUES (?, ?, ?, ?, ?)", items)
    db.commit()
    db.execute("VACUUM")
    db.close()


def questions():
    out = []
    for name in ["monthly-revenue", "top-products", "repeat-rate"]:
        with open("hidden/queries/%s.sql" % name, encoding="utf-8") as f:
            out.append((name, f.read().strip()))
    return out


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def solutions():
    ref = "".join("-- question: %s\n%s\n\n" % (n, q) for n, q in questions())
    write("solutions/accepted/reference.sql", "-- The reference queries, as hidden/queries holds them.\n\n" + ref)

    # Hard-coding the sample warehouse's answers: right there, wrong on the
    # hidden variants.
    db = sqlite3.connect("attachments/warehouse.db")
    parts = ["-- Answers copied from the sample warehouse. The hidden databases differ.\n\n"]
    for name, q in questions():
        cur = db.execute(q)
        cols = [d[0] for d in cur.description]
        values = ",\n  ".join("(" + ", ".join(sql_literal(v) for v in r) + ")" for r in cur.fetchall())
        parts.append("-- question: %s\nWITH t(%s) AS (VALUES\n  %s\n)\nSELECT * FROM t;\n\n" % (name, ", ".join(cols), values))
    db.close()
    write("solutions/wrong_answer/hard-coded.sql", "".join(parts))


def main():
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    for path, seed, nc, no, regions in VARIANTS:
        build(path, seed, nc, no, regions)
    solutions()
    for path, *_ in VARIANTS:
        db = sqlite3.connect(path)
        for name, q in questions():
            rows = db.execute(q).fetchall()
            print("%-26s %-16s %3d rows, first %s" % (path, name, len(rows), rows[:1]))
        db.close()


if __name__ == "__main__":
    main()
