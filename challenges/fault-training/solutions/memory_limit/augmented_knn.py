# Hostile to the memory limit: k-nearest neighbours over 20 jittered copies
# of the training data, with every distance computed at once by numpy
# broadcasting.
import sys

import numpy as np
import pandas as pd

FEATURES = ["temperature", "vibration", "pressure", "rpm", "hours"]

train = pd.read_csv("train.csv")
x = train[FEATURES].to_numpy(float)
scale = x.std(axis=0)
rng = np.random.default_rng(0)
copies = np.concatenate([x + rng.normal(0, 0.05, x.shape) * scale for _ in range(20)]) / scale
y = np.tile(train["failure"].to_numpy(), 20)

test = pd.read_csv(sys.stdin)
q = test[FEATURES].to_numpy(float) / scale
distances = ((q[:, None, :] - copies[None, :, :]) ** 2).sum(axis=2)
nearest = np.argsort(distances, axis=1)[:, :15]
pred = (y[nearest].mean(axis=1) > 0.5).astype(int)
pd.DataFrame({"id": test["id"], "failure": pred}).to_csv(sys.stdout, index=False)
