#!/usr/bin/env python3
"""Generates the fault-diagnosis data set and its reference solutions.

Reproducible: the same seed gives byte-identical files on any Python 3.
Run from the package directory:  python3 generate.py
It writes
  attachments/train.csv              labelled readings for training
  attachments/test.csv               readings to predict (no labels)
  attachments/sample_submission.csv  the submission format (every row "normal")
  hidden/labels.csv                  the test labels and the public/private split
  solutions/...                      reference submissions with their expected result
Only the standard library is used, so authors need nothing installed.
"""

import csv
import math
import os
import random
import shutil

SEED = 20240917
N_TRAIN = 1200
N_TEST = 800
PUBLIC_SHARE = 0.3
LABEL_NOISE = 0.02
MISSING_HUMIDITY = 0.03
BASELINE, TARGET, POINTS = 0.2, 0.87, 100

# Class priors and, per feature, the (mean, sd) of each class. The classes
# overlap, so no model is perfect; a fitted model clears the target.
CLASSES = ["normal", "bearing_wear", "overheating", "electrical_fault", "misalignment"]
PRIORS = [0.55, 0.14, 0.12, 0.10, 0.09]
FEATURES = {
    "temperature_c":  [(62, 4.5), (66, 5.0), (82, 5.5), (70, 5.0), (64, 4.5)],
    "vibration_mm_s": [(2.2, 0.5), (5.6, 1.0), (2.8, 0.7), (2.6, 0.6), (4.2, 0.8)],
    "current_a":      [(15, 1.4), (15.6, 1.5), (17.0, 1.8), (21.5, 2.2), (16.0, 1.5)],
    "pressure_bar":   [(6.0, 0.35), (5.9, 0.4), (6.1, 0.4), (6.0, 0.4), (5.5, 0.4)],
    "rpm":            [(1480, 10), (1472, 14), (1477, 12), (1466, 18), (1458, 14)],
    "runtime_h":      [(2200, 1100), (5600, 1400), (3000, 1300), (2800, 1400), (3300, 1300)],
}
DECIMALS = {"temperature_c": 1, "vibration_mm_s": 2, "current_a": 2, "pressure_bar": 2, "rpm": 0, "runtime_h": 0}
LINES = ["A", "B", "C"]
COLUMNS = ["id", "line"] + list(FEATURES) + ["humidity_pct"]


def reading(rng, k):
    row = {"line": rng.choice(LINES)}
    for name, params in FEATURES.items():
        mean, sd = params[k]
        v = max(0.0, rng.gauss(mean, sd))
        row[name] = round(v, DECIMALS[name])
        if DECIMALS[name] == 0:
            row[name] = int(row[name])
    hum = rng.gauss(55, 10)
    row["humidity_pct"] = "" if rng.random() < MISSING_HUMIDITY else round(min(max(hum, 5), 99), 1)
    return row


def make(rng, n, prefix, ids):
    rows = []
    for _ in range(n):
        k = rng.choices(range(len(CLASSES)), weights=PRIORS)[0]
        row = reading(rng, k)
        label = CLASSES[k]
        if rng.random() < LABEL_NOISE:
            label = rng.choice(CLASSES)
        while True:
            rid = "%s%05d" % (prefix, rng.randrange(100000))
            if rid not in ids:
                ids.add(rid)
                break
        row["id"] = rid
        row["fault"] = label
        rows.append(row)
    return rows


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r[h] for h in header])


class NaiveBayes:
    """Gaussian naive Bayes on the numeric features; a missing value is skipped."""

    def fit(self, rows):
        self.stats = {}
        n = len(rows)
        for c in CLASSES:
            cr = [r for r in rows if r["fault"] == c]
            self.stats[c] = {"prior": math.log(len(cr) / n)}
            for name in list(FEATURES) + ["humidity_pct"]:
                xs = [float(r[name]) for r in cr if r[name] != ""]
                m = sum(xs) / len(xs)
                var = sum((x - m) ** 2 for x in xs) / len(xs) + 1e-9
                self.stats[c][name] = (m, var)
        return self

    def predict(self, row):
        best, best_lp = None, -math.inf
        for c in CLASSES:
            lp = self.stats[c]["prior"]
            for name in list(FEATURES) + ["humidity_pct"]:
                if row[name] == "":
                    continue
                m, var = self.stats[c][name]
                x = float(row[name])
                lp += -0.5 * math.log(2 * math.pi * var) - (x - m) ** 2 / (2 * var)
            if lp > best_lp:
                best, best_lp = c, lp
        return best


def vibration_rule(row):
    """A quick rule of thumb: shaking means worn bearings, heat means overheating."""
    if float(row["vibration_mm_s"]) > 4.5:
        return "bearing_wear"
    if float(row["temperature_c"]) > 74:
        return "overheating"
    return "normal"


def macro_f1(truth, pred):
    labels = sorted(set(truth) | set(pred))
    total = 0.0
    for l in labels:
        tp = sum(1 for t, p in zip(truth, pred) if t == l and p == l)
        fp = sum(1 for t, p in zip(truth, pred) if t != l and p == l)
        fn = sum(1 for t, p in zip(truth, pred) if t == l and p != l)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(labels)


def points(value):
    f = min(max((value - BASELINE) / (TARGET - BASELINE), 0.0), 1.0)
    return math.floor(f * POINTS * 100 + 0.5) / 100


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    os.chdir(here)
    rng = random.Random(SEED)
    ids = set()
    train = make(rng, N_TRAIN, "T", ids)
    test = make(rng, N_TEST, "M", ids)
    public = set(rng.sample(range(N_TEST), int(N_TEST * PUBLIC_SHARE)))
    for i, r in enumerate(test):
        r["split"] = "public" if i in public else "private"

    write_csv("attachments/train.csv", COLUMNS + ["fault"], train)
    write_csv("attachments/test.csv", COLUMNS, test)
    write_csv("attachments/sample_submission.csv", ["id", "fault"], [{"id": r["id"], "fault": "normal"} for r in test])
    write_csv("hidden/labels.csv", ["id", "fault", "split"], test)

    nb = NaiveBayes().fit(train)
    private = [r for r in test if r["split"] == "private"]
    truth = [r["fault"] for r in private]
    shutil.rmtree("solutions", ignore_errors=True)
    for name, predict, folder in [
        ("naive-bayes.csv", nb.predict, None),
        ("vibration-rule.csv", vibration_rule, None),
        ("all-normal.csv", lambda r: "normal", "wrong_answer"),
    ]:
        score = points(macro_f1(truth, [predict(r) for r in private]))
        if folder is None:
            folder = "accepted" if score >= POINTS else ("%.2f" % score).rstrip("0").rstrip(".")
        write_csv(os.path.join("solutions", folder, name), ["id", "fault"],
                  [{"id": r["id"], "fault": predict(r)} for r in test])
        print("%-20s private macro-F1 %.4f -> %s" % (name, macro_f1(truth, [predict(r) for r in private]), folder))
    # The same predictions as a spreadsheet saves them: UTF-8 with a byte
    # order mark, CRLF line ends, rows in another order. Still accepted.
    rows = [(r["id"], nb.predict(r)) for r in test]
    random.Random(1).shuffle(rows)
    with open("solutions/accepted/naive-bayes-excel.csv", "w", newline="", encoding="utf-8-sig") as f:
        f.write("id,fault\r\n" + "".join("%s,%s\r\n" % r for r in rows))
    write_invalid(test, nb)


def write_invalid(test, nb):
    """Malformed and hostile files: each must be refused with a clear message."""
    d = "solutions/invalid_submission"
    os.makedirs(d, exist_ok=True)
    rows = [(r["id"], nb.predict(r)) for r in test]

    def save(name, text, encoding="utf-8"):
        with open(os.path.join(d, name), "w", newline="", encoding=encoding) as f:
            f.write(text)

    body = "".join("%s,%s\n" % r for r in rows)
    save("wrong-header.csv", "ID,Fault\n" + body)
    save("duplicate-id.csv", "id,fault\n" + body + "%s,normal\n" % rows[0][0])
    save("missing-rows.csv", "id,fault\n" + "".join("%s,%s\n" % r for r in rows[:-3]))
    save("unknown-id.csv", "id,fault\n" + "".join("%s,%s\n" % r for r in rows[:-1]) + "X99999,normal\n")
    save("class-index.csv", "id,fault\n" + "".join("%s,%d\n" % (r[0], CLASSES.index(r[1])) for r in rows))
    save("formula-injection.csv", "id,fault\n" + "%s,\"=HYPERLINK(\"\"http://x\"\",\"\"normal\"\")\"\n" % rows[0][0]
         + "".join("%s,%s\n" % r for r in rows[1:]))
    # Chinese class names saved in GBK, as a spreadsheet on a zh-CN desktop might.
    save("gbk-encoded.csv", "id,故障\n" + "".join("%s,正常\n" % r[0] for r in rows), encoding="gbk")
    save("empty.csv", "")
    with open(os.path.join(d, "binary.csv"), "wb") as f:
        f.write(bytes(random.Random(7).randrange(256) for _ in range(4096)))


if __name__ == "__main__":
    main()
