# Hostile to the time limit: an exhaustive grid search with 10-fold cross
# validation, far more work than the limit allows.
import sys

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

FEATURES = ["temperature", "vibration", "pressure", "rpm", "hours"]

train = pd.read_csv("train.csv")
grid = {
    "n_estimators": [200, 400, 800, 1600],
    "max_depth": [None, 4, 6, 8, 12, 16],
    "min_samples_leaf": [1, 2, 4, 8],
    "max_features": ["sqrt", "log2", None],
}
search = GridSearchCV(RandomForestClassifier(random_state=0), grid, cv=10)
search.fit(train[FEATURES], train["failure"])
test = pd.read_csv(sys.stdin)
pd.DataFrame({"id": test["id"], "failure": search.predict(test[FEATURES])}).to_csv(sys.stdout, index=False)
