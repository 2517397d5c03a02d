"""The floor of one-row scoring, and the single-process batch rate, for a Carrara Python model: the
model's own predict inside one Python process, with no server, no serialisation and no IPC. Run it
with the model's own environment interpreter (`carrara python env HOME`), so that it scores with
exactly the libraries the server's workers use.

  python floor.py single --home HOME --rows rows.jsonl [--calls 20000] [--warmup 2000]
  python floor.py batch  --home HOME --csv rows.csv [--chunk 10000] [--drop diagnosis] [--all-at-once]

single: one-row predict calls on the rows in turn, each timed with perf_counter_ns; prints one JSON
        object with p50/p90/p99/p99.9/max in ms of (a) predict on a prebuilt one-row DataFrame and
        (b) building that DataFrame from the row's dict and then predict (what any server must do).
batch:  reads the CSV once (not timed), then times predict over all its rows in chunks of --chunk
        rows (and, with --all-at-once, in one call); prints rows/s as JSON.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import carrara


def load(home):
    loaded = carrara.load_model(Path(home))
    model = loaded.model
    columns = [column.name for column in loaded.home.inputs] if hasattr(loaded.home, "inputs") else None
    return model, columns


def quantiles(nanos):
    values = np.sort(np.asarray(nanos, dtype=np.float64)) / 1e6
    pick = lambda q: float(values[min(len(values) - 1, int(np.ceil(q / 100.0 * len(values))) - 1)])
    return {"calls": len(values), "p50_ms": pick(50), "p90_ms": pick(90), "p99_ms": pick(99),
            "p99_9_ms": pick(99.9), "max_ms": float(values[-1]), "mean_ms": float(values.mean())}


def single(args):
    model, columns = load(args.home)
    rows = [json.loads(line) for line in open(args.rows) if line.strip()]
    if columns is None:
        columns = list(rows[0])
    rows = [{name: row[name] for name in columns} for row in rows]
    frames = [pd.DataFrame([row], columns=columns) for row in rows]
    for i in range(args.warmup):
        model.predict(frames[i % len(frames)])
    predict_only = []
    for i in range(args.calls):
        frame = frames[i % len(frames)]
        start = time.perf_counter_ns()
        model.predict(frame)
        predict_only.append(time.perf_counter_ns() - start)
    with_frame = []
    for i in range(args.calls):
        row = rows[i % len(rows)]
        start = time.perf_counter_ns()
        model.predict(pd.DataFrame([row], columns=columns))
        with_frame.append(time.perf_counter_ns() - start)
    print(json.dumps({"predict": quantiles(predict_only), "dataframe_and_predict": quantiles(with_frame),
                      "python": sys.version.split()[0], "pandas": pd.__version__, "rows": len(rows)}))


def batch(args):
    model, columns = load(args.home)
    data = pd.read_csv(args.csv)
    if args.drop and args.drop in data.columns:
        data = data.drop(columns=[args.drop])
    if columns is not None:
        data = data[columns]
    n = len(data)
    model.predict(data.iloc[:min(n, args.chunk)])  # warm
    result = {"rows": n, "chunk": args.chunk}
    start = time.perf_counter()
    scored = 0
    for offset in range(0, n, args.chunk):
        scored += len(model.predict(data.iloc[offset:offset + args.chunk]))
    seconds = time.perf_counter() - start
    result.update({"chunked_seconds": seconds, "chunked_rows_per_s": scored / seconds})
    if args.all_at_once:
        start = time.perf_counter()
        scored = len(model.predict(data))
        seconds = time.perf_counter() - start
        result.update({"all_at_once_seconds": seconds, "all_at_once_rows_per_s": scored / seconds})
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    modes = parser.add_subparsers(dest="mode", required=True)
    one = modes.add_parser("single")
    one.add_argument("--home", required=True)
    one.add_argument("--rows", required=True, help="JSON Lines, one row of the model's inputs a line")
    one.add_argument("--calls", type=int, default=20_000)
    one.add_argument("--warmup", type=int, default=2_000)
    many = modes.add_parser("batch")
    many.add_argument("--home", required=True)
    many.add_argument("--csv", required=True)
    many.add_argument("--chunk", type=int, default=10_000)
    many.add_argument("--drop", default="diagnosis", help="a column of the CSV that is not an input")
    many.add_argument("--all-at-once", action="store_true")
    args = parser.parse_args()
    single(args) if args.mode == "single" else batch(args)


if __name__ == "__main__":
    main()
