# Predicts the most common label for every pump: below both targets.
import csv
import sys
from collections import Counter

with open("train.csv", newline="") as f:
    common = Counter(r["failure"] for r in csv.DictReader(f)).most_common(1)[0][0]
print("id,failure")
for r in csv.DictReader(sys.stdin):
    print(f"{r['id']},{common}")
