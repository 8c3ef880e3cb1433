# Gradient boosting with a hand-made feature: how far the pressure is from
# its working point.
import csv
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

FEATURES = ["temperature", "vibration", "pressure", "rpm", "hours"]


def matrix(rows):
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows])
    return np.column_stack([x, np.abs(x[:, 2] - 6.0)])


with open("train.csv", newline="") as f:
    train = list(csv.DictReader(f))
model = GradientBoostingClassifier(random_state=1)
model.fit(matrix(train), [int(r["failure"]) for r in train])

test = list(csv.DictReader(sys.stdin))
pred = model.predict(matrix(test))
print("id,failure")
for r, p in zip(test, pred):
    print(f"{r['id']},{p}")
