# A random forest on the raw sensor readings.
import sys

import pandas as pd
from sklearn.ensemble import RandomForestClassifier

FEATURES = ["temperature", "vibration", "pressure", "rpm", "hours"]

train = pd.read_csv("train.csv")
model = RandomForestClassifier(n_estimators=200, random_state=7)
model.fit(train[FEATURES], train["failure"])

test = pd.read_csv(sys.stdin)
out = pd.DataFrame({"id": test["id"], "failure": model.predict(test[FEATURES])})
out.to_csv(sys.stdout, index=False)
