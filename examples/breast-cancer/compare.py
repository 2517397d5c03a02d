"""Compares Carrara's answers for the breast-cancer rows with the training process's own (train.py
--scores): every answer must be there, with the same predicted diagnosis and a probability within 1e-12.

  python3 compare.py --expected scores.jsonl NAME=FILE [NAME=FILE ...]

A FILE is what one way of asking gave: JSON Lines of rows with their measurements and answers (the
CLI's predict, a batch table's export), the JSON of POST .../predict ({"predictions": [...]}) or an
Open Inference Protocol answer ({"outputs": [...]}, over REST or gRPC), whose tensors are in the
order of the rows asked, which is the CSV's. Rows are matched by their 30 measurements. Standard
library only. Exit status 1 when anything differs.
"""
import argparse
import json
import sys

TOLERANCE = 1e-12
OUTPUTS = ("probability_malignant", "predicted_diagnosis")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expected", required=True, help="train.py --scores output")
    parser.add_argument("answers", nargs="+", metavar="NAME=FILE")
    args = parser.parse_args()

    expected = read_lines(args.expected)
    measurements = [name for name in expected[0] if name not in OUTPUTS]
    by_key = {key(row, measurements): row for row in expected}
    failed = False
    for pair in args.answers:
        name, _, path = pair.partition("=")
        rows = answers(path, expected)
        worst, wrong = 0.0, []
        for row in rows:
            want = by_key.get(key(row, measurements))
            if want is None:
                wrong.append("a row the CSV does not have")
                continue
            difference = abs(float(row["probability_malignant"]) - want["probability_malignant"])
            worst = max(worst, difference)
            if difference > TOLERANCE or row.get("predicted_diagnosis") != want["predicted_diagnosis"]:
                wrong.append(f"{row['probability_malignant']} / {row.get('predicted_diagnosis')} instead of "
                             f"{want['probability_malignant']} / {want['predicted_diagnosis']}")
        if len(rows) != len(expected):
            wrong.append(f"{len(rows)} answers for {len(expected)} rows")
        status = "equal" if not wrong else f"DIFFERENT ({len(wrong)}: {wrong[0]})"
        print(f"{name:>10}: {len(rows)} rows, largest difference {worst:.3g}: {status}")
        failed |= bool(wrong)
    sys.exit(1 if failed else 0)


def key(row, measurements):
    return tuple(round(float(row[name]), 9) for name in measurements)


def answers(path, expected):
    """The answers in FILE as rows with measurements and outputs."""
    with open(path) as f:
        text = f.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(document, dict) and "predictions" in document:
        return document["predictions"]
    if isinstance(document, dict) and "outputs" in document:
        tensors = {tensor["name"]: tensor["data"] for tensor in document["outputs"]}
        return [{**asked, **{name: tensors[name][i] for name in OUTPUTS if name in tensors}}
                for i, asked in enumerate(expected)]
    return [document] if isinstance(document, dict) else document


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


if __name__ == "__main__":
    main()
