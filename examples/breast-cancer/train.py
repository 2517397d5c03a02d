"""Trains the breast-cancer example: a scikit-learn Pipeline (StandardScaler, LogisticRegression) on
breast_cancer.csv, and fills the model's home folder with what Carrara needs beside model.py:

  artifacts/model.joblib       the fitted pipeline
  validation/input.jsonl       20 held-out rows, and
  validation/expected.jsonl    what this process's predict_proba gives for them

It also writes, with --scores, every row of the CSV (in file order) with this process's answer for it,
which the walk-through compares Carrara's answers to, and prints the held-out accuracy and log loss as
JSON.

  python train.py --data breast_cancer.csv --home HOME [--scores scores.jsonl]

Run it with the model's own environment (`carrara python env HOME` prints its interpreter), so that
the pickle is written and read by the same scikit-learn.
"""
import argparse
import json
from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

SEED = 42
VALIDATION_ROWS = 20


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path, help="breast_cancer.csv")
    parser.add_argument("--home", required=True, type=Path, help="the model home folder to fill")
    parser.add_argument("--scores", type=Path, help="write every row's answer here (JSON Lines, CSV order)")
    args = parser.parse_args()

    data = pd.read_csv(args.data)
    features = data.drop(columns=["diagnosis"])
    labels = data["diagnosis"]
    train_x, test_x, train_y, test_y = train_test_split(features, labels, test_size=0.25, random_state=SEED,
                                                        stratify=labels)
    pipeline = Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression(max_iter=1000))])
    pipeline.fit(train_x, train_y)
    malignant = list(pipeline.classes_).index("malignant")

    (args.home / "artifacts").mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, args.home / "artifacts" / "model.joblib")

    validation = test_x.head(VALIDATION_ROWS)
    (args.home / "validation").mkdir(parents=True, exist_ok=True)
    write_rows(args.home / "validation" / "input.jsonl", validation.to_dict(orient="records"))
    write_rows(args.home / "validation" / "expected.jsonl", answers(pipeline, validation, malignant))

    if args.scores:
        scored = answers(pipeline, features, malignant)
        write_rows(args.scores, [{**row, **answer} for row, answer in zip(features.to_dict(orient="records"), scored)])

    probabilities = pipeline.predict_proba(test_x)
    print(json.dumps({"accuracy": accuracy_score(test_y, pipeline.predict(test_x)),
                      "log_loss": log_loss(test_y, probabilities, labels=pipeline.classes_)}))


def answers(pipeline, rows, malignant):
    probabilities = pipeline.predict_proba(rows)[:, malignant]
    diagnoses = pipeline.predict(rows)
    return [{"probability_malignant": float(p), "predicted_diagnosis": str(d)} for p, d in zip(probabilities, diagnoses)]


def write_rows(path, rows):
    with open(path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
