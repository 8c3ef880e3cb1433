"""Makes the data of the fault-training challenge, reproducibly.

Run from the package directory: python3 generator/generate.py
It writes attachments/train.csv, attachments/sample_input.csv,
attachments/sample_labels.csv and hidden/tests/*.in / *.ans, using only the
standard library, so that every Python 3 writes the same files.
"""
import csv
import io
import math
import os
import random

FEATURES = ["temperature", "vibration", "pressure", "rpm", "hours"]
NOISE = 0.03  # share of labels flipped: sensors and maintenance logs are not perfect


def machine(rng):
    """One reading of a pump: its sensors and whether it failed within a week."""
    temperature = rng.gauss(70, 9)
    vibration = math.exp(rng.gauss(1.0, 0.45))
    pressure = rng.gauss(6.0, 1.1)
    rpm = rng.gauss(1500, 280)
    hours = rng.uniform(0, 5000)
    overheated = temperature > 78 and vibration > 3.0
    worn = hours > 3500 and rpm > 1620
    pressure_fault = abs(pressure - 6.0) > 1.9
    failure = int(overheated or worn or pressure_fault)
    if rng.random() < NOISE:
        failure = 1 - failure
    return {
        "temperature": f"{temperature:.1f}",
        "vibration": f"{vibration:.2f}",
        "pressure": f"{pressure:.2f}",
        "rpm": f"{rpm:.0f}",
        "hours": f"{hours:.0f}",
        "failure": failure,
    }


def rows(seed, n, first_id):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = machine(rng)
        r["id"] = first_id + i
        out.append(r)
    return out


def write_csv(path, rows, columns):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r[c] for c in columns])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    return buf.getvalue()


def main():
    os.makedirs("attachments", exist_ok=True)
    os.makedirs("hidden/tests", exist_ok=True)
    write_csv("attachments/train.csv", rows(20240601, 2000, 1), ["id"] + FEATURES + ["failure"])
    # Tests: the public sample (its labels are an attachment too), then the
    # hidden sets; the answer file starts with the accuracy the test asks for.
    tests = [("01-sample", 20240602, 300, 100001, 0.92),
             ("02-basic", 20240603, 600, 200001, 0.80),
             ("03-advanced", 20240604, 600, 300001, 0.92)]
    for name, seed, n, first, target in tests:
        data = rows(seed, n, first)
        inp = write_csv(f"hidden/tests/{name}.in", data, ["id"] + FEATURES)
        labels = write_csv(os.devnull, data, ["id", "failure"])
        with open(f"hidden/tests/{name}.ans", "w", encoding="utf-8", newline="") as f:
            f.write(f"# target {target:.2f}\n" + labels)
        if name == "01-sample":
            with open("attachments/sample_input.csv", "w", encoding="utf-8", newline="") as f:
                f.write(inp)
            with open("attachments/sample_labels.csv", "w", encoding="utf-8", newline="") as f:
                f.write(labels)


if __name__ == "__main__":
    main()
