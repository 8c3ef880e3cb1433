# Hostile: looks for the hidden labels on disk (they are never in the
# sandbox), then falls back to the most common label.
import csv
import glob
import os
import sys

labels = {}
places = ["../hidden/tests/*.ans", "/work/**/*.ans", "/tmp/**/*", "/hidden/**/*.ans", "/srv/**/*.ans",
          "/opt/**/*.ans", "/home/**/*.ans", "/root/**/*.ans", "/var/**/*.ans", "/data/**/*.ans"]
for pattern in places:
    for path in glob.glob(pattern, recursive=True):
        try:
            with open(path, newline="") as f:
                for row in csv.reader(line for line in f if not line.startswith("#")):
                    if len(row) == 2 and row[1] in ("0", "1"):
                        labels[row[0]] = row[1]
        except OSError:
            pass
print("id,failure")
for r in csv.DictReader(sys.stdin):
    print(f"{r['id']},{labels.get(r['id'], '0')}")
