"""Tables and batch predictions against a real server's Spark: import (a DataFrame, a CSV file, a JSON
Lines file with a schema), describe, list, read back and download; a batch job that scores the golden
trips pipeline's rows and answers exactly what the golden file expects; a job that fails while it
runs, submit-time errors and cancellation; frames the SDK refuses before sending anything."""
from __future__ import annotations

import datetime
import json
import math
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List

import pandas as pd
import pytest

import carrara
import carrara.sdk.batch as batch_module
from carrara.sdk._core import InvalidInputError, JobFailedError, NotFoundError, UnavailableError
from carrara.sdk.batch import BatchError, BatchJob, ImportResult, TableDescription

GOLDEN = Path("carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression")
UNKNOWN_ID = "00000000-0000-4000-8000-00000000abcd"


# ---------------------------------------------------------------- set-up, through the raw HTTP API

def upload_trips_instance(client: "carrara.Client", repository: Path, tmp: Path) -> str:
    """Uploads the golden trips pipeline as a spark-pipeline instance of a new model (through the HTTP
    API itself, not the SDK's upload, which another part of the SDK covers) and answers its id."""
    project, model = f"sdkbatch{uuid.uuid4().hex[:8]}", "trips"
    client._json("POST", "/api/v1/projects", json_body={"name": project})
    client._json("POST", f"/api/v1/projects/{project}/models", json_body={"name": model})
    folder = repository / GOLDEN / "model"
    archive = tmp / "model.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            zip_file.writestr(entry, file.read_bytes(), zipfile.ZIP_DEFLATED)
    blob = client._upload_blob(archive, content_type="application/zip", progress=False)
    instance = client._json("POST", f"/api/v1/projects/{project}/models/{model}/instances",
                            json_body={"artifact": {"sha256": blob["sha256"], "format": "spark-pipeline",
                                                    "packaging": "zip"},
                                       "metadata": {"purpose": "sdk batch tests"}})
    return str(instance["id"])


def golden_rows(repository: Path) -> List[Dict[str, Any]]:
    with open(repository / GOLDEN / "expected.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def golden_schema(repository: Path) -> str:
    """The inputs' Spark DDL, from the golden folder's input-schema.json (id INT, city STRING, ...)."""
    columns = json.loads((repository / GOLDEN / "input-schema.json").read_text(encoding="utf-8"))
    return ", ".join(f"{column['name']} {column['type']}" for column in columns)


@pytest.fixture(scope="module")
def database() -> str:
    return f"sdkbatch{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def trips_instance(client: "carrara.Client", repository: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return upload_trips_instance(client, repository, tmp_path_factory.mktemp("trips"))


@pytest.fixture(scope="module")
def trips_table(client: "carrara.Client", repository: Path, database: str,
                tmp_path_factory: pytest.TempPathFactory) -> str:
    """The golden rows' inputs as the table <database>.trips, imported from a JSON Lines file with the
    pipeline's input schema (so `passengers` stays an INT though some rows hold null)."""
    path = tmp_path_factory.mktemp("inputs") / "trips.jsonl"
    path.write_text("".join(json.dumps(row["input"]) + "\n" for row in golden_rows(repository)), encoding="utf-8")
    table = f"{database}.trips"
    result = client.import_table(table, path, schema=golden_schema(repository))
    assert result.rows_imported == 40
    return table


# ---------------------------------------------------------------- tables

def cells_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [3, 1, 2],
        "city": ["new_york", None, "boston"],
        "radius": [1.25, float("nan"), 2.5],
        "malignant": [True, False, True],
        "seen_at": pd.to_datetime(["2026-11-01 10:30:00", "2026-11-02 00:00:00", "2026-11-03 23:59:59"]),
    })


def test_import_dataframe_describe_list_and_read_back(client: "carrara.Client", unique: Any) -> None:
    database = unique("sdk")
    table = f"{database}.cells"
    frame = cells_frame()

    result = client.import_table(table, frame)

    assert isinstance(result, ImportResult)
    assert (result.table, result.rows_imported, result.rows_in_table) == (table, 3, 3)
    # The dtypes chose the types, in the frame's column order (Spark's own inference would sort them by name).
    assert [(c.name, c.type) for c in result.columns] == [
        ("id", "bigint"), ("city", "string"), ("radius", "double"), ("malignant", "boolean"), ("seen_at", "timestamp")]
    assert "rows imported" in result._repr_html_()

    description = client.table(table, count_rows=True)
    assert isinstance(description, TableDescription)
    assert description.name == table and description.type == "MANAGED"
    assert description.rows == 3 and description.partition_columns == []
    assert description.column_names == list(frame.columns)
    assert list(description.to_pandas()["type"]) == ["bigint", "string", "double", "boolean", "timestamp"]
    assert "seen_at" in description._repr_html_()
    assert client.table(table).rows is None  # counted only when asked

    listed = client.tables(database)
    assert [(t.name, t.type) for t in listed] == [(table, "MANAGED")]
    assert list(listed.to_pandas()["name"]) == [table]
    assert any(t.name == table for t in client.tables())

    back = client.rows(table).sort_values("id").reset_index(drop=True)
    expected = frame.sort_values("id").reset_index(drop=True)
    assert list(back.columns) == list(expected.columns)
    assert list(back["id"]) == [1, 2, 3]
    assert list(back["city"]) == [None, "boston", "new_york"]
    assert math.isnan(back["radius"][0]) and list(back["radius"][1:]) == [2.5, 1.25]
    assert list(back["malignant"]) == [False, True, True]
    assert list(back["seen_at"].dt.tz_localize(None)) == list(expected["seen_at"])

    matching = client.rows(table, where="malignant AND radius > 2")
    assert list(matching["id"]) == [2]
    assert len(client.rows(table, limit=2)) == 2
    for bad_limit in (0, -1):
        with pytest.raises(InvalidInputError) as refused_limit:
            client.rows(table, limit=bad_limit)
        assert (refused_limit.value.status, refused_limit.value.field) == (0, "limit")
    empty = client.rows(table, where="id > 100")
    assert len(empty) == 0 and list(empty.columns) == list(frame.columns)

    appended = client.import_table(table, frame.head(1), append=True)
    assert (appended.rows_imported, appended.rows_in_table) == (1, 4)
    replaced = client.import_table(table, frame.head(2))
    assert (replaced.rows_imported, replaced.rows_in_table) == (2, 2)


def test_import_csv_file_with_and_without_inference_and_download(client: "carrara.Client", unique: Any,
                                                                 tmp_path: Path) -> None:
    database = unique("sdk")
    csv = tmp_path / "cells.csv"
    csv.write_text("id,city,radius\n1,boston,1.5\n2,denver,2.25\n3,,3.0\n", encoding="utf-8")

    typed = client.import_table(f"{database}.typed", csv, infer_schema=True)
    assert [(c.name, c.type) for c in typed.columns] == [("id", "int"), ("city", "string"), ("radius", "double")]
    untyped = client.import_table(f"{database}.untyped", str(csv))
    assert {c.type for c in untyped.columns} == {"string"}
    declared = client.import_table(f"{database}.declared", csv, schema="id BIGINT, city STRING, radius FLOAT")
    assert [c.type for c in declared.columns] == ["bigint", "string", "float"]

    rows = client.rows(f"{database}.typed").sort_values("id").reset_index(drop=True)
    assert rows.to_dict("list") == {"id": [1, 2, 3], "city": ["boston", "denver", None], "radius": [1.5, 2.25, 3.0]}

    out_csv = tmp_path / "out" / "typed.csv"
    assert client.download_rows(f"{database}.typed", out_csv, where="id >= 2") == 2
    assert sorted(out_csv.read_text(encoding="utf-8").splitlines()) == sorted(
        ["id,city,radius", "2,denver,2.25", "3,,3.0"])
    out_jsonl = tmp_path / "typed.jsonl"
    assert client.download_rows(f"{database}.typed", out_jsonl) == 3
    lines = sorted((json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()),
                   key=lambda row: row["id"])
    assert lines[2] == {"id": 3, "city": None, "radius": 3.0}
    explicit = tmp_path / "rows.txt"
    assert client.download_rows(f"{database}.typed", explicit, format="jsonl") == 3
    assert len(explicit.read_text(encoding="utf-8").splitlines()) == 3


def test_table_errors(client: "carrara.Client", unique: Any, tmp_path: Path) -> None:
    database = unique("sdk")
    client.import_table(f"{database}.cells", cells_frame())

    with pytest.raises(NotFoundError) as missing:
        client.table(f"{database}.missing")
    assert (missing.value.status, missing.value.code, missing.value.field) == (404, "TABLE_NOT_FOUND", "table")
    with pytest.raises(NotFoundError) as missing_rows:
        client.rows(f"{database}.missing")
    assert missing_rows.value.code == "TABLE_NOT_FOUND"
    with pytest.raises(NotFoundError) as missing_download:
        client.download_rows(f"{database}.missing", tmp_path / "nothing.csv")
    assert missing_download.value.status == 404 and not (tmp_path / "nothing.csv").exists()
    with pytest.raises(NotFoundError) as missing_database:
        client.tables(unique("nodb"))
    assert (missing_database.value.code, missing_database.value.field) == ("TABLE_NOT_FOUND", "database")

    with pytest.raises(InvalidInputError) as bad_where:
        client.rows(f"{database}.cells", where="id >")
    assert bad_where.value.status == 400 and bad_where.value.field == "where"
    with pytest.raises(InvalidInputError) as refused:
        client.rows(f"{database}.cells", where="reflect('java.lang.System', 'exit', 1) = 1")
    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "SQL_REFUSED", "where")

    with pytest.raises(InvalidInputError) as bad_schema:
        client.import_table(f"{database}.other", cells_frame(), schema="id NOT A TYPE ,,")
    assert (bad_schema.value.status, bad_schema.value.code, bad_schema.value.field) == (400, "FILE_UNREADABLE", "schema")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1}\n{"id": \n', encoding="utf-8")
    with pytest.raises(InvalidInputError) as malformed:
        client.import_table(f"{database}.other", broken)
    assert (malformed.value.status, malformed.value.code) == (400, "FILE_UNREADABLE")

    # Checked before anything is sent: names that would change the URL, and arguments that contradict.
    with pytest.raises(InvalidInputError) as bad_name:
        client.table("ml.trips/rows")
    assert (bad_name.value.status, bad_name.value.field) == (0, "table")
    with pytest.raises(InvalidInputError) as both:
        client.import_table(f"{database}.other", cells_frame(), infer_schema=True, schema="id INT")
    assert both.value.field == "schema"
    with pytest.raises(InvalidInputError) as unknown_format:
        client.import_table(f"{database}.other", tmp_path / "broken.jsonl", format="parquet")
    assert unknown_format.value.field == "format"
    other = tmp_path / "cells.txt"
    other.write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as no_format:
        client.import_table(f"{database}.other", other)
    assert no_format.value.field == "format"
    assert client.import_table(f"{database}.other", other, format="csv").rows_imported == 1
    with pytest.raises(InvalidInputError) as no_file:
        client.import_table(f"{database}.other", tmp_path / "absent.csv")
    assert no_file.value.field == "source"


def test_rows_keep_integers_and_booleans_with_nulls_exact(client: "carrara.Client", unique: Any) -> None:
    table = f"{unique('sdk')}.nullable"
    big = 2 ** 53 + 1  # a float64 would read it as 2**53
    frame = pd.DataFrame({
        "id": pd.array([big, 1, None], dtype="Int64"),
        "count": pd.array([7, None, -3], dtype="Int32"),
        "small": pd.array([None, 2, 3], dtype="Int16"),
        "flag": pd.array([True, None, False], dtype="boolean"),
        "label": ["a", "b", "c"],
    })

    result = client.import_table(table, frame)
    assert [(c.name, c.type) for c in result.columns] == [
        ("id", "bigint"), ("count", "int"), ("small", "smallint"), ("flag", "boolean"), ("label", "string")]

    back = client.rows(table).sort_values("label").reset_index(drop=True)
    assert [str(back[name].dtype) for name in back.columns] == ["Int64", "Int32", "Int16", "boolean", "object"]
    assert back["id"][0] == big and int(back["id"][0]) == big and back["id"][1] == 1 and back["id"][2] is pd.NA
    assert back["count"].tolist() == [7, pd.NA, -3]
    assert back["small"].tolist() == [pd.NA, 2, 3]
    assert back["flag"].tolist() == [True, pd.NA, False]
    # An empty answer keeps the dtypes.
    empty = client.rows(table, where="label = 'none'")
    assert len(empty) == 0 and [str(empty[name].dtype) for name in ["id", "count", "flag"]] == [
        "Int64", "Int32", "boolean"]


def test_frames_that_cannot_be_sent_are_refused_before_sending(client: "carrara.Client", unique: Any) -> None:
    table = f"{unique('sdk')}.refused"

    def assert_not_created() -> None:
        with pytest.raises(NotFoundError):
            client.table(table)

    repeated = pd.DataFrame([[1, 2, "x"]], columns=["a", "a", "b"])
    for options in ({}, {"schema": "a BIGINT, b STRING"}, {"infer_schema": True}):
        with pytest.raises(InvalidInputError) as duplicate:
            client.import_table(table, repeated, **options)  # type: ignore[arg-type]
        assert (duplicate.value.status, duplicate.value.code, duplicate.value.field) == (0, "INVALID_ARGUMENT", "source")
        assert "'a'" in duplicate.value.message
    # Names that repeat only once sent as text (JSON keys are text) are refused too.
    with pytest.raises(InvalidInputError) as as_text:
        client.import_table(table, pd.DataFrame([[1, 2]], columns=[1, "1"]))
    assert as_text.value.field == "source"
    assert_not_created()

    infinite = pd.DataFrame({"id": [1, 2], "radius": [1.5, float("inf")]})
    with pytest.raises(InvalidInputError) as inf:
        client.import_table(table, infinite)
    assert (inf.value.status, inf.value.code, inf.value.field) == (0, "INVALID_ARGUMENT", "row 1 column radius")
    assert "column radius" in str(inf.value) and "inf" in inf.value.message
    with pytest.raises(InvalidInputError) as raw_bytes:
        client.import_table(table, pd.DataFrame({"id": [1], "payload": [b"abc"]}))
    assert raw_bytes.value.field == "row 0 column payload" and "bytes" in raw_bytes.value.message
    assert_not_created()

    # Decimals go as numbers, not as text.
    client.import_table(table, pd.DataFrame({"id": [1, 2], "price": [Decimal("1.25"), Decimal("2.5")]}))
    assert client.table(table).columns[1].type == "double"
    assert sorted(client.rows(table)["price"]) == [1.25, 2.5]


def test_timeouts_are_reported_as_timeouts(client: "carrara.Client", server_url: str, unique: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    table = f"{unique('sdk')}.cells"
    client.import_table(table, cells_frame())
    monkeypatch.setattr(batch_module, "TABLE_TIMEOUT_SECONDS", 0.001)
    with pytest.raises(UnavailableError) as rows_timeout:
        client.rows(table)
    assert rows_timeout.value.code == "TIMEOUT"
    with carrara.Client(server_url, user="sdk-tests", timeout=0.001, progress=False) as impatient:
        with pytest.raises(UnavailableError) as download_timeout:
            impatient.download_rows(table, tmp_path / "rows.csv")
    assert download_timeout.value.code == "TIMEOUT" and not (tmp_path / "rows.csv").exists()


# ---------------------------------------------------------------- batch jobs

def test_a_jobs_error_keeps_number_type_and_unknown_keys() -> None:
    job = BatchJob.from_json({"id": UNKNOWN_ID, "status": "failed", "error": {
        "code": "TABLE_NOT_FOUND", "message": "no table ml.x", "field": "query", "number": 196610, "type": "NOT_FOUND",
        "hint": "import it first"}})
    assert job.error == BatchError(code="TABLE_NOT_FOUND", message="no table ml.x", field="query", number=196610,
                                   type="NOT_FOUND", extra={"hint": "import it first"})
    failure = batch_module._job_failure(job)
    assert isinstance(failure, JobFailedError) and failure.job is job
    assert (failure.code, failure.field, failure.number, failure.type) == ("TABLE_NOT_FOUND", "query", 196610,
                                                                           "NOT_FOUND")

def test_batch_predict_scores_the_golden_rows(client: "carrara.Client", repository: Path, database: str,
                                              trips_instance: str, trips_table: str) -> None:
    output = f"{database}.trip_scores"
    job = client.batch_predict(trips_instance, query=f"SELECT * FROM {trips_table}", output=output,
                               execution_date=datetime.date(2026, 11, 1), columns=["prediction", "probability"])
    assert isinstance(job, BatchJob)
    assert job.status in ("queued", "running")
    assert (job.instance, job.output, job.errors) == (trips_instance, output, f"{output}_errors")
    assert job.execution_date == datetime.date(2026, 11, 1)
    assert job.columns == ["prediction", "probability"]

    finished = job.wait(timeout=300, poll_interval=0.2)

    assert finished is job and job.status == "succeeded" and job.finished and job.error is None
    result = job.result
    assert result is not None
    expected = golden_rows(repository)
    scored = [row for row in expected if row.get("output") and "prediction" in row["output"]]
    assert result.rows_read == 40
    assert result.rows_scored == len(scored) == 38
    assert result.rows_skipped == 2 and result.rows_failed == 0
    assert (result.rows_written, result.error_rows_written) == (38, 2)
    assert result.rows_read == result.rows_scored + result.rows_skipped + result.rows_failed
    assert job.started_at is not None and job.finished_at is not None and job.elapsed_seconds is not None
    assert "rows written" in job._repr_html_()

    rows = client.rows(output, where="execution_date = '2026-11-01'")
    assert len(rows) == 38
    assert {"prediction", "probability", "model_name", "model_instance", "scored_at", "execution_date"} <= set(rows.columns)
    assert "raw_features" not in rows.columns  # only the columns asked for were kept
    assert set(rows["model_instance"]) == {trips_instance}
    by_id = {int(row["id"]): row for _, row in rows.iterrows()}
    for row in scored:
        got = by_id[row["input"]["id"]]
        assert got["prediction"] == row["output"]["prediction"]
        assert list(got["probability"]) == pytest.approx(row["output"]["probability"], abs=1e-12)
    assert len(job.rows()) == 38
    assert set(job.rows(where="prediction = 0")["prediction"]) == {0.0}
    errors = client.rows(f"{output}_errors")
    assert sorted(errors["id"]) == [100002, 100004] and set(errors["status"]) == {"skipped"}

    again = client.batch_job(job.id)
    assert again.status == "succeeded" and again.result == job.result
    assert job.refresh() is job and job.status == "succeeded"
    listed = client.batch_jobs(limit=50)
    assert any(j.id == job.id for j in listed)
    assert len(client.batch_jobs(limit=1)) == 1
    with pytest.raises(InvalidInputError) as zero_limit:
        client.batch_jobs(limit=0)
    assert (zero_limit.value.status, zero_limit.value.field) == (0, "limit")
    with pytest.raises(InvalidInputError):
        job.rows(limit=0)
    assert len(job.rows(limit=5)) == 5
    frame = listed.to_pandas()
    assert {"id", "status", "output"} <= set(frame.columns)

    # A finished job cannot be cancelled.
    with pytest.raises(InvalidInputError) as finished_cancel:
        job.cancel()
    assert finished_cancel.value.status == 400
    with pytest.raises(InvalidInputError):
        client.cancel_batch_job(job.id)


def test_failed_job_raises_the_servers_error(client: "carrara.Client", database: str, trips_instance: str) -> None:
    with pytest.raises(JobFailedError) as failed:
        client.batch_predict(trips_instance, query=f"SELECT * FROM {database}.no_such_table",
                             output=f"{database}.never", execution_date="2026-11-02", wait=True)
    error = failed.value
    job = error.job
    assert isinstance(job, BatchJob)
    assert job.status == "failed" and job.error is not None
    assert error.job is job
    assert error.code == job.error.code == "TABLE_NOT_FOUND"
    assert error.field == job.error.field == "query"
    assert job.error.message and job.error.message in error.message
    assert job.id in str(error)
    assert client.batch_job(job.id).status == "failed"


def test_cancelled_job_ends_failed_with_cancelled(client: "carrara.Client", database: str, trips_instance: str,
                                                  trips_table: str) -> None:
    # Four million rows (the 40 trips 100,000 times over) keep local Spark busy for far longer than the
    # cancel takes to arrive; should Spark still finish first, the server refuses the cancel and says why.
    query = f"SELECT t.* FROM {trips_table} t CROSS JOIN range(100000)"
    with pytest.raises(InvalidInputError) as no_wait:
        client.batch_predict(trips_instance, query=query, output=f"{database}.cancelled", execution_date="2026-11-03",
                             timeout=1)
    assert (no_wait.value.status, no_wait.value.field) == (0, "timeout")
    with pytest.raises(TimeoutError) as still_running:
        client.batch_predict(trips_instance, query=query, output=f"{database}.cancelled",
                             execution_date="2026-11-03", wait=True, timeout=0)
    job = getattr(still_running.value, "job")
    assert isinstance(job, BatchJob) and job.status in ("queued", "running")
    assert job.id in str(still_running.value)
    try:
        cancelled = client.cancel_batch_job(job.id)
    except InvalidInputError as refused:
        # Spark finished first: the job succeeded, and the server says it cannot cancel a finished job.
        assert (refused.status, refused.code, refused.field) == (400, "INVALID_ARGUMENT", "id")
        assert "has already succeeded" in refused.message and "only a queued or running job" in refused.message
        assert job.wait(timeout=300, poll_interval=0.2).status == "succeeded"
        return
    assert cancelled.id == job.id and cancelled.status in ("queued", "running", "failed")
    with pytest.raises(JobFailedError) as failed:
        job.wait(timeout=300, poll_interval=0.2)
    assert failed.value.code == "CANCELLED" and job.error is not None and job.error.code == "CANCELLED"
    assert job.status == "failed" and job.result is None
    assert "sdk-tests" in (job.error.message or "")
    with pytest.raises(NotFoundError):
        client.table(f"{database}.cancelled")


def test_submit_time_errors(client: "carrara.Client", database: str, trips_instance: str, trips_table: str) -> None:
    query = f"SELECT * FROM {trips_table}"
    with pytest.raises(NotFoundError) as unknown_instance:
        client.batch_predict(UNKNOWN_ID, query=query, output=f"{database}.x", execution_date="2026-11-01")
    assert unknown_instance.value.status == 404 and unknown_instance.value.code == "NOT_FOUND"
    with pytest.raises(NotFoundError) as unknown_deployment:
        client.batch_predict(deployment=f"nodeploy{uuid.uuid4().hex[:8]}", query=query, output=f"{database}.x",
                             execution_date="2026-11-01")
    assert unknown_deployment.value.status == 404

    class Instance:  # anything with an id stands for an instance
        id = trips_instance

    with pytest.raises(InvalidInputError) as bad_output:
        client.batch_predict(Instance(), query=query, output="not a table!", execution_date="2026-11-01")
    assert (bad_output.value.status, bad_output.value.field) == (400, "output")
    with pytest.raises(InvalidInputError) as bad_date:
        client.batch_predict(trips_instance, query=query, output=f"{database}.x", execution_date="2026-13-45")
    assert (bad_date.value.status, bad_date.value.field) == (400, "executionDate")
    with pytest.raises(InvalidInputError) as refused:
        client.batch_predict(trips_instance, query=f"DROP TABLE {trips_table}", output=f"{database}.x",
                             execution_date="2026-11-01")
    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "SQL_REFUSED", "query")

    with pytest.raises(InvalidInputError) as neither:
        client.batch_predict(query=query, output=f"{database}.x", execution_date="2026-11-01")
    assert (neither.value.status, neither.value.field) == (0, "instance")
    with pytest.raises(InvalidInputError):
        client.batch_predict(trips_instance, deployment="trips", query=query, output=f"{database}.x",
                             execution_date="2026-11-01")

    with pytest.raises(NotFoundError) as unknown_job:
        client.batch_job(UNKNOWN_ID)
    assert (unknown_job.value.status, unknown_job.value.field) == (404, "id")
    with pytest.raises(NotFoundError):
        client.cancel_batch_job(UNKNOWN_ID)
    with pytest.raises(InvalidInputError) as not_an_id:
        client.batch_job("not-a-uuid")
    assert not_an_id.value.status == 400
