"""A FastAPI + uvicorn scoring server around a Carrara Python model, built the way MLflow 3's pyfunc
scoring server is (written for this benchmark, not MLflow's code): the model is loaded once at start,
POST /invocations takes a pandas DataFrame as

  {"dataframe_split": {"columns": [...], "data": [[...], ...]}}   or   {"dataframe_records": [{...}, ...]}

builds the DataFrame, calls the model's predict and answers {"predictions": [{column: value}, ...]}
(one record per row). GET /ping answers 200 when the model is loaded. The handler is `async` and
scores on the event loop (no thread-pool hop), the cheapest FastAPI can do with one worker.

  PYTHONPATH=python/src python fastapi_server.py --home HOME --port 5000 [--workers 1]
"""
import argparse
import json
import os
from pathlib import Path

import pandas as pd
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

import carrara

app = FastAPI()
MODEL = None
COLUMNS = None


def load():
    global MODEL, COLUMNS
    loaded = carrara.load_model(Path(os.environ["CARRARA_BENCH_HOME"]))
    MODEL = loaded.model
    COLUMNS = [column.name for column in loaded.home.inputs]


@app.on_event("startup")
def startup():
    load()


@app.get("/ping")
def ping():
    return Response(status_code=200 if MODEL is not None else 503)


@app.post("/invocations")
async def invocations(request: Request):
    try:
        body = json.loads(await request.body())
        if "dataframe_split" in body:
            split = body["dataframe_split"]
            frame = pd.DataFrame(data=split["data"], columns=split.get("columns"))
        elif "dataframe_records" in body:
            frame = pd.DataFrame.from_records(body["dataframe_records"])
        else:
            return JSONResponse({"error_code": "BAD_REQUEST",
                                 "message": "expected dataframe_split or dataframe_records"}, status_code=400)
        frame = frame[COLUMNS]
    except (ValueError, KeyError, TypeError) as error:
        return JSONResponse({"error_code": "BAD_REQUEST", "message": str(error)}, status_code=400)
    predictions = MODEL.predict(frame)
    return Response(json.dumps({"predictions": predictions.to_dict(orient="records")}), media_type="application/json")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ["CARRARA_BENCH_HOME"] = str(Path(args.home).resolve())
    uvicorn.run("fastapi_server:app", host=args.host, port=args.port, workers=args.workers, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
