"""Output validator of order-cleaning (Kattis protocol), rule by rule.

    check.py input_file answer_file feedback_dir < contestant_output

The answer file is the clean CSV. The output must be a CSV with the header
order_id,order_date,city,quantity,unit_price,amount; each rule below is
worth its points when it holds for the whole file. score.txt gets the share
of the points earned (0 to 1), teammessage.txt (the contestant's) one line
per rule, passed or failed, and judgemessage.txt (the jury's) the same with
why each rule failed, quoting the output.
A file that is not such a CSV at all is rejected (exit 43).
"""
import csv
import io
import sys

ACCEPT, REJECT = 42, 43
HEADER = ["order_id", "order_date", "city", "quantity", "unit_price", "amount"]
# (points, rule) in the order of the statement.
RULES = [
    (15, "one row per order_id (duplicates removed)"),
    (20, "exactly the valid orders kept (invalid rows dropped)"),
    (20, "dates as YYYY-MM-DD"),
    (15, "cities by their standard name"),
    (10, "unit prices as plain numbers with two decimals"),
    (10, "quantity kept, amount = quantity x unit_price, two decimals"),
    (10, "rows sorted by order_id"),
]


def read_csv(text):
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def write(feedback_dir, name, text):
    with open(feedback_dir.rstrip("/") + "/" + name, "w", encoding="utf-8") as f:
        f.write(text)


def reject(feedback_dir, team, judge=None):
    write(feedback_dir, "teammessage.txt", team)
    write(feedback_dir, "judgemessage.txt", judge or team)
    sys.exit(REJECT)


def main():
    _, answer_file, feedback_dir = sys.argv[1:4]
    with open(answer_file, encoding="utf-8", newline="") as f:
        expected = {r[0]: r for r in read_csv(f.read())[1:]}
    try:
        text = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        reject(feedback_dir, "the output is not UTF-8 text")
    rows = read_csv(text)
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        reject(feedback_dir, "line 1 must be the header: " + ",".join(HEADER))
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(HEADER):
            reject(feedback_dir, f"a line does not have the {len(HEADER)} columns of the header",
                   f"line {number}: expected {len(HEADER)} columns, got {len(row)}")
    ids = [r[0] for r in body]
    first = {}
    for r in body:
        first.setdefault(r[0], r)
    common = [i for i in expected if i in first]

    def column_rule(*ks):
        bad = [i for i in common if any(first[i][k] != expected[i][k] for k in ks)]
        if not common:
            return False, "no valid order in the output to check"
        if bad:
            return False, f"{len(bad)} of {len(common)} orders differ, e.g. order_id {bad[0]}: " + ",".join(first[bad[0]][k] for k in ks)
        return True, ""

    def sorted_ids():
        try:
            keys = [int(i) for i in ids]
        except ValueError:
            return False, "order_id is not always a number"
        if keys != sorted(keys):
            return False, "order_id is not ascending"
        return True, ""

    def dupes():
        extra = len(ids) - len(set(ids))
        return (extra == 0, f"{extra} repeated order_id(s)" if extra else "")

    def kept():
        missing = [i for i in expected if i not in first]
        unwanted = [i for i in first if i not in expected]
        if missing or unwanted:
            return False, f"{len(missing)} valid order(s) missing, {len(unwanted)} invalid or unknown kept"
        return True, ""

    checks = [dupes, kept, lambda: column_rule(1), lambda: column_rule(2), lambda: column_rule(4),
              lambda: column_rule(3, 5), sorted_ids]
    earned, team, jury = 0, [], []
    # An output that keeps less than half of the valid orders is judged on
    # no rule: an empty file must not earn "no duplicates" and "sorted".
    enough = 2 * len(common) >= len(expected)
    for (points, name), check in zip(RULES, checks):
        ok, why = check() if enough else (False, f"only {len(common)} of the {len(expected)} valid orders are in the output")
        if ok:
            earned += points
        line = f"[{'pass' if ok else 'FAIL'}] {name} ({points if ok else 0}/{points})"
        team.append(line)
        jury.append(line + (f": {why}" if why else ""))
    total = sum(p for p, _ in RULES)
    write(feedback_dir, "teammessage.txt", f"{earned}/{total} points\n" + "\n".join(team) + "\n")
    write(feedback_dir, "judgemessage.txt", f"{earned}/{total} points\n" + "\n".join(jury) + "\n")
    write(feedback_dir, "score.txt", f"{earned / total:.6f}\n")
    sys.exit(ACCEPT)


if __name__ == "__main__":
    main()
