"""Output validator of fault-training (Kattis protocol).

    check.py input_file answer_file feedback_dir < contestant_output

The answer file starts with "# target T", then the CSV "id,failure" of the
true labels. The output must be the CSV "id,failure" with one row per input
id, in any order, labels 0 or 1. Accepted (exit 42) when the accuracy
reaches T, else rejected (exit 43). teammessage.txt, which the contestant
sees, says the accuracy or what is wrong with the file without quoting it;
judgemessage.txt, the jury's, quotes the offending values.
"""
import csv
import io
import sys

ACCEPT, REJECT = 42, 43


def finish(code, message, feedback_dir, judge=None):
    for name, text in (("teammessage.txt", message), ("judgemessage.txt", judge or message)):
        with open(feedback_dir.rstrip("/") + "/" + name, "w", encoding="utf-8") as f:
            f.write(text)
    sys.exit(code)


def main():
    _, answer_file, feedback_dir = sys.argv[1:4]
    with open(answer_file, encoding="utf-8") as f:
        first = f.readline()
        target = float(first.split()[2])
        truth = {row["id"]: row["failure"] for row in csv.DictReader(f)}

    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        finish(REJECT, "the output is not UTF-8 text", feedback_dir)
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows or [c.strip() for c in rows[0]] != ["id", "failure"]:
        finish(REJECT, "line 1 must be the header: id,failure", feedback_dir)
    predicted = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            finish(REJECT, "a line does not have 2 columns (id,failure)", feedback_dir,
                   f"line {number}: expected 2 columns (id,failure), got {len(row)}")
        rid, label = row[0].strip(), row[1].strip()
        if rid not in truth:
            finish(REJECT, "an id is not in the input", feedback_dir, f"line {number}: id {rid!r} is not in the input")
        if rid in predicted:
            finish(REJECT, "an id is given twice", feedback_dir, f"line {number}: id {rid} is given twice")
        if label not in ("0", "1"):
            finish(REJECT, "failure must be 0 or 1", feedback_dir, f"line {number}: failure must be 0 or 1, got {label!r}")
        predicted[rid] = label
    if len(predicted) != len(truth):
        finish(REJECT, f"some of the {len(truth)} ids have no prediction", feedback_dir,
               f"{len(truth) - len(predicted)} of the {len(truth)} ids have no prediction")
    accuracy = sum(predicted[i] == truth[i] for i in truth) / len(truth)
    if accuracy >= target:
        finish(ACCEPT, f"accuracy {accuracy:.4f} reaches the target {target:.2f}", feedback_dir)
    finish(REJECT, f"accuracy {accuracy:.4f} is below the target {target:.2f}", feedback_dir)


if __name__ == "__main__":
    main()
