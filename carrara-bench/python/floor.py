"""The floor of one-row scoring, and the single-process batch rate, for a Carrara Python model: the
model's own predict inside one Python process, with no server, no serialisation and no IPC. Run it
with the model's own environment interpreter (`carrara python env HOME`), so that it scores with
exactly the libraries the server's workers use.

  python floor.py single --home HOME --rows rows.jsonl [--calls 20000] [--warmup 2000]
  python floor.py worker --home HOME --rows rows.jsonl [--calls 20000]
  python floor.py batch  --home HOME --csv rows.csv [--chunk 10000] [--drop diagnosis] [--all-at-once] [--with-io OUT.parquet]

single: one-row predict calls on the rows in turn, each timed with perf_counter_ns; prints one JSON
        object with p50/p90/p99/p99.9/max in ms of (a) predict on a prebuilt one-row DataFrame and
        (b) building that DataFrame from the row's dict and then predict (what any server must do).
worker: the same rows through carrara's own Predictor (Arrow IPC bytes in and out), the Python side of
        one worker Predict call without gRPC.
batch:  reads the CSV once (not timed), then times predict over all its rows in chunks of --chunk
        rows (and, with --all-at-once, in one call; with --with-io, reading the CSV and writing the scored
        rows to Parquet included); prints rows/s as JSON.
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


def worker(args):
    """The worker's own path for one row: Arrow IPC request bytes → carrara's Predictor (decode, predict,
    encode) → Arrow IPC answer bytes, as carrara.worker runs it for each gRPC Predict call, minus gRPC."""
    import pyarrow
    from carrara import codec
    from carrara.prediction import Predictor
    loaded = carrara.load_model(Path(args.home))
    predictor = Predictor(loaded)
    schema = codec.arrow_schema(loaded.home.kind, loaded.home.inputs)
    columns = [column.name for column in loaded.home.inputs]
    rows = [json.loads(line) for line in open(args.rows) if line.strip()]
    requests = []
    for row in rows:
        batch = pyarrow.RecordBatch.from_arrays([pyarrow.array([row[name]], type=schema.field(name).type) for name in columns],
                                                schema=schema)
        requests.append(codec.write_stream(batch))
    for i in range(args.warmup):
        predictor.predict(requests[i % len(requests)])
    timings = []
    for i in range(args.calls):
        start = time.perf_counter_ns()
        predictor.predict(requests[i % len(requests)])
        timings.append(time.perf_counter_ns() - start)
    print(json.dumps({"worker_predict": quantiles(timings)}))


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
    if args.with_io:
        # What a batch job does around predict, in the same process: read the CSV, score it in chunks, and
        # write the inputs with the outputs to Parquet.
        start = time.perf_counter()
        raw = pd.read_csv(args.csv)
        inputs = raw[columns] if columns is not None else raw
        parts = [model.predict(inputs.iloc[offset:offset + args.chunk]).reset_index(drop=True)
                 for offset in range(0, len(inputs), args.chunk)]
        scored = pd.concat([raw.reset_index(drop=True), pd.concat(parts, ignore_index=True)], axis=1)
        scored.to_parquet(args.with_io, index=False)
        seconds = time.perf_counter() - start
        result.update({"with_io_seconds": seconds, "with_io_rows_per_s": len(scored) / seconds})
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
    path = modes.add_parser("worker")
    path.add_argument("--home", required=True)
    path.add_argument("--rows", required=True)
    path.add_argument("--calls", type=int, default=20_000)
    path.add_argument("--warmup", type=int, default=2_000)
    many = modes.add_parser("batch")
    many.add_argument("--home", required=True)
    many.add_argument("--csv", required=True)
    many.add_argument("--chunk", type=int, default=10_000)
    many.add_argument("--drop", default="diagnosis", help="a column of the CSV that is not an input")
    many.add_argument("--all-at-once", action="store_true")
    many.add_argument("--with-io", metavar="PARQUET",
                      help="also time read CSV + predict in chunks + write inputs and outputs to this Parquet file")
    args = parser.parse_args()
    {"single": single, "worker": worker, "batch": batch}[args.mode](args)


if __name__ == "__main__":
    main()
