"""The values carrara-monitoring's tests hold the Java code to, computed by scikit-learn, NumPy and SciPy.

Reads the datasets the tests wrote (a JSON file named on the command line) and prints one JSON object:
classification and regression metrics per dataset (null where scikit-learn gives NaN or raises), and
PSI and Jensen-Shannon distance per pair of bin counts, computed from the counts with NumPy and SciPy
following docs/monitoring.md (Drift), independently of the Java code.
"""
import json
import sys
import warnings

import numpy as np
import scipy
import sklearn
from scipy.spatial.distance import jensenshannon
from sklearn import metrics

SMOOTHING = 1e-4


def finite_or_none(value):
    value = float(value)
    return value if np.isfinite(value) else None


def classification(case):
    y = np.asarray(case["labels"], dtype=np.int64)
    scores = np.asarray(case["scores"], dtype=np.float64)
    predicted = case.get("predicted")
    predicted = (scores >= 0.5).astype(np.int64) if predicted is None else np.asarray(predicted, dtype=np.int64)
    return {
        "accuracy": metrics.accuracy_score(y, predicted),
        "precision": metrics.precision_score(y, predicted),
        "recall": metrics.recall_score(y, predicted),
        "f1": metrics.f1_score(y, predicted),
        "auc": finite_or_none(metrics.roc_auc_score(y, scores)),
        # labels=[0, 1]: with one class present scikit-learn raises unless told both classes exist.
        "log_loss": metrics.log_loss(y, scores, labels=[0, 1]),
        "brier": metrics.brier_score_loss(y, scores, pos_label=1),
        "positive_rate": float(np.mean(predicted)),
    }


def regression(case):
    actual = np.asarray(case["actual"], dtype=np.float64)
    predicted = np.asarray(case["predicted"], dtype=np.float64)
    try:
        rmsle = metrics.root_mean_squared_log_error(actual, predicted)
    except ValueError:
        rmsle = None
    return {
        "rmse": metrics.root_mean_squared_error(actual, predicted),
        "mae": metrics.mean_absolute_error(actual, predicted),
        "mape": metrics.mean_absolute_percentage_error(actual, predicted),
        "r2": finite_or_none(metrics.r2_score(actual, predicted)),
        "rmsle": rmsle,
    }


def smoothed_shares(bins, nulls, null_bin):
    counts = np.asarray(bins + ([nulls] if null_bin else []), dtype=np.float64)
    shares = counts / counts.sum()
    return (shares + SMOOTHING) / (1.0 + len(shares) * SMOOTHING)


def drift(case):
    null_bin = case["expectedNulls"] > 0 or case["actualNulls"] > 0
    expected = smoothed_shares(case["expected"], case["expectedNulls"], null_bin)
    actual = smoothed_shares(case["actual"], case["actualNulls"], null_bin)
    return {
        "psi": float(np.sum((actual - expected) * np.log(actual / expected))),
        "js": float(jensenshannon(expected, actual, base=2)),
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        datasets = json.load(file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = {
            "versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
            "classification": {name: classification(case) for name, case in datasets["classification"].items()},
            "regression": {name: regression(case) for name, case in datasets["regression"].items()},
            "drift": {name: drift(case) for name, case in datasets["drift"].items()},
        }
    json.dump(result, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
