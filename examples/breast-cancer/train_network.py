"""Trains the tensor example: a 30-8-1 network in plain numpy (full-batch gradient descent on the
log loss, seeded), on breast_cancer.csv, and fills the network's home folder:

  artifacts/network.npz        the scaling and the weights
  validation/input.jsonl       20 rows, each {"measurements": [30 numbers]}
  validation/expected.jsonl    what this process's forward pass gives for them

  python train_network.py --data breast_cancer.csv --home HOME [--scores scores.jsonl]
"""
import argparse
import csv
import json
from pathlib import Path

import numpy as np

SEED = 7
HIDDEN = 8
STEPS = 2000
LEARNING_RATE = 0.5
VALIDATION_ROWS = 20


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, type=Path, help="breast_cancer.csv")
    parser.add_argument("--home", required=True, type=Path, help="the network's home folder to fill")
    parser.add_argument("--scores", type=Path, help="write every row's answer here (JSON Lines, CSV order)")
    args = parser.parse_args()

    with open(args.data) as f:
        rows = list(csv.reader(f))[1:]
    x = np.array([[float(v) for v in row[:-1]] for row in rows])
    y = np.array([1.0 if row[-1] == "malignant" else 0.0 for row in rows])

    mean, scale = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / scale
    random = np.random.default_rng(SEED)
    hidden = random.normal(0, 0.3, (x.shape[1], HIDDEN))
    hidden_bias = np.zeros(HIDDEN)
    output = random.normal(0, 0.3, HIDDEN)
    output_bias = 0.0
    for _ in range(STEPS):
        h = np.tanh(z @ hidden + hidden_bias)
        p = 1.0 / (1.0 + np.exp(-(h @ output + output_bias)))
        error = (p - y) / len(y)
        grad_output, grad_output_bias = h.T @ error, error.sum()
        back = np.outer(error, output) * (1 - h ** 2)
        hidden -= LEARNING_RATE * (z.T @ back)
        hidden_bias -= LEARNING_RATE * back.sum(axis=0)
        output -= LEARNING_RATE * grad_output
        output_bias -= LEARNING_RATE * grad_output_bias

    weights = dict(mean=mean, scale=scale, hidden=hidden, hidden_bias=hidden_bias, output=output,
                   output_bias=np.array(output_bias))
    (args.home / "artifacts").mkdir(parents=True, exist_ok=True)
    np.savez(args.home / "artifacts" / "network.npz", **weights)

    def forward(inputs):
        h = np.tanh((inputs - mean) / scale @ hidden + hidden_bias)
        return 1.0 / (1.0 + np.exp(-(h @ output + output_bias)))

    (args.home / "validation").mkdir(parents=True, exist_ok=True)
    sample = x[:VALIDATION_ROWS]
    write_rows(args.home / "validation" / "input.jsonl", [{"measurements": list(map(float, r))} for r in sample])
    write_rows(args.home / "validation" / "expected.jsonl",
               [{"probability_malignant": float(p)} for p in forward(sample)])
    if args.scores:
        write_rows(args.scores, [{"probability_malignant": float(p)} for p in forward(x)])
    print(json.dumps({"accuracy": float(((forward(x) > 0.5) == (y == 1.0)).mean())}))


def write_rows(path, rows):
    with open(path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
