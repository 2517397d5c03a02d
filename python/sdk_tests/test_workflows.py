"""Workflows against a real server's Spark: register, list, get and delete; a run of an SQL step and a
predict step (by the registered name) whose steps report their rows; runs that fail at an SQL step and
at a predict step raise with the step and the server's code; a retry; a backfill of two dates."""
from __future__ import annotations

import datetime
import json
import textwrap
import uuid
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

import carrara
from carrara.sdk._core import InvalidInputError, JobFailedError, NotFoundError
from carrara.sdk.batch import Workflow, WorkflowRun

GOLDEN = Path("carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression")
UNKNOWN_ID = "00000000-0000-4000-8000-00000000abcd"


# ---------------------------------------------------------------- set-up, through the raw HTTP API

@pytest.fixture(scope="module")
def database() -> str:
    return f"sdkflow{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def trips_instance(client: "carrara.Client", repository: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The golden trips pipeline as a spark-pipeline instance, uploaded through the HTTP API itself."""
    project, model = f"sdkflow{uuid.uuid4().hex[:8]}", "trips"
    client._json("POST", "/api/v1/projects", json_body={"name": project})
    client._json("POST", f"/api/v1/projects/{project}/models", json_body={"name": model})
    folder = repository / GOLDEN / "model"
    archive = tmp_path_factory.mktemp("model") / "model.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            zip_file.writestr(entry, file.read_bytes(), zipfile.ZIP_DEFLATED)
    blob = client._upload_blob(archive, content_type="application/zip", progress=False)
    instance = client._json("POST", f"/api/v1/projects/{project}/models/{model}/instances",
                            json_body={"artifact": {"sha256": blob["sha256"], "format": "spark-pipeline",
                                                    "packaging": "zip"}, "metadata": {}})
    return str(instance["id"])


@pytest.fixture(scope="module")
def trips_table(client: "carrara.Client", repository: Path, database: str,
                tmp_path_factory: pytest.TempPathFactory) -> str:
    """The golden rows' inputs as <database>.trips, with the pipeline's input schema."""
    rows = [json.loads(line) for line in (repository / GOLDEN / "expected.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    path = tmp_path_factory.mktemp("inputs") / "trips.jsonl"
    path.write_text("".join(json.dumps(row["input"]) + "\n" for row in rows), encoding="utf-8")
    columns = json.loads((repository / GOLDEN / "input-schema.json").read_text(encoding="utf-8"))
    table = f"{database}.trips"
    client.import_table(table, path, schema=", ".join(f"{c['name']} {c['type']}" for c in columns))
    return table


def scoring_workflow(name: str, database: str, instance: str, source: str) -> str:
    return textwrap.dedent(f"""\
        name: {name}
        steps:
          - name: features
            sql: SELECT *, '{{{{ execution_date }}}}' AS run_date FROM {source}
            output: {database}.trip_features
          - name: score
            predict:
              instance: {instance}
              query: SELECT * FROM {database}.trip_features
              output: {database}.trip_predictions
              columns: [prediction]
        retries: {{max: 0}}
        """)


@pytest.fixture
def registered(client: "carrara.Client") -> Iterator[list]:
    """Names of workflows a test registered, unregistered after it (so none is left for the scheduler)."""
    names: list = []
    yield names
    for name in names:
        try:
            client.delete_workflow(name)
        except NotFoundError:
            pass


# ---------------------------------------------------------------- tests

def test_register_list_get_and_delete(client: "carrara.Client", unique: Any, tmp_path: Path,
                                      registered: list) -> None:
    name = unique("sdkflow-")
    registered.append(name)
    text = textwrap.dedent(f"""\
        name: {name}
        schedule: "0 3 1 1 *"   # once a year: the test unregisters it long before
        steps:
          - name: copy
            sql: SELECT 1 AS one
            output: sdkflows.copy_{name.replace('-', '_')}
        """)

    workflow = client.register_workflow(text)

    assert isinstance(workflow, Workflow)
    assert (workflow.name, workflow.schedule, workflow.definition) == (name, "0 3 1 1 *", text)
    assert workflow.registered_by == "sdk-tests"
    assert isinstance(workflow.registered_at, datetime.datetime)
    assert isinstance(workflow.next_run_at, datetime.datetime) and workflow.next_run_at.month == 1
    assert "0 3 1 1 *" in workflow._repr_html_()

    # From a file, replacing the registered one: now without a schedule.
    path = tmp_path / "workflow.yaml"
    path.write_text(text.replace('schedule: "0 3 1 1 *"   # once a year: the test unregisters it long before\n', ""),
                    encoding="utf-8")
    replaced = client.register_workflow(path)
    assert replaced.name == name and replaced.schedule is None and replaced.next_run_at is None
    assert client.register_workflow(str(path)).schedule is None

    listed = client.workflows()
    assert name in [w.name for w in listed]
    assert "name" in listed.to_pandas().columns
    fetched = client.workflow(name)
    assert fetched.definition == path.read_text(encoding="utf-8") and fetched.schedule is None
    assert client.workflow(fetched).name == name

    client.delete_workflow(name)
    with pytest.raises(NotFoundError) as gone:
        client.workflow(name)
    assert gone.value.status == 404 and gone.value.code == "NOT_FOUND"
    with pytest.raises(NotFoundError):
        client.delete_workflow(name)
    assert name not in [w.name for w in client.workflows()]


def test_register_errors(client: "carrara.Client", unique: Any, tmp_path: Path, registered: list) -> None:
    name = unique("sdkflow-")
    registered.append(name)
    with pytest.raises(InvalidInputError) as bad_output:
        client.register_workflow(f"name: {name}\nsteps:\n  - name: copy\n    sql: SELECT 1\n    output: not-a-table\n")
    assert (bad_output.value.status, bad_output.value.code, bad_output.value.field) == (
        400, "INVALID_ARGUMENT", "steps[0].output")
    with pytest.raises(InvalidInputError) as unknown_key:
        client.register_workflow(f"name: {name}\nsteps:\n  - name: copy\n    sql: SELECT 1\n    output: a.b\n"
                                 "colour: blue\n")
    assert unknown_key.value.field == "colour"
    with pytest.raises(InvalidInputError) as refused:
        client.register_workflow(f"name: {name}\nsteps:\n  - name: drop\n    sql: DROP TABLE a.b\n    output: a.c\n")
    assert (refused.value.code, refused.value.field) == ("SQL_REFUSED", "steps.drop.sql")
    with pytest.raises(InvalidInputError) as no_file:
        client.register_workflow(tmp_path / "absent.yaml")
    assert (no_file.value.status, no_file.value.field) == (0, "definition")
    with pytest.raises(InvalidInputError) as empty:
        client.register_workflow("  \n  ")
    assert empty.value.field == "definition"
    with pytest.raises(NotFoundError):
        client.workflow(unique("sdkflow-absent-"))
    with pytest.raises(InvalidInputError) as bad_name:
        client.workflow("no/such")
    assert (bad_name.value.status, bad_name.value.field) == (0, "name")


def test_run_a_registered_workflow_by_name(client: "carrara.Client", unique: Any, database: str,
                                           trips_instance: str, trips_table: str, registered: list) -> None:
    name = unique("sdkflow-")
    registered.append(name)
    client.register_workflow(scoring_workflow(name, database, trips_instance, trips_table))

    run = client.run_workflow(name, datetime.date(2026, 11, 3))

    assert isinstance(run, WorkflowRun)
    assert (run.workflow, run.execution_date, run.trigger) == (name, datetime.date(2026, 11, 3), "manual")
    assert [step.name for step in run.steps] == ["features", "score"]
    assert run.wait(timeout=300, poll_interval=0.2) is run
    assert run.status == "succeeded" and run.succeeded and run.error is None
    features, score = run.steps
    assert (features.kind, features.status, features.rows_written) == ("sql", "succeeded", 40)
    assert features.output == f"{database}.trip_features"
    assert (score.kind, score.status, score.rows_written) == ("predict", "succeeded", 38)
    assert score.attempts == 1 and score.batch_job is not None
    assert run.step("score") is score
    job = client.batch_job(score.batch_job)
    assert job.workflow_run == run.id and job.step == "score" and job.result is not None
    assert job.result.rows_written == 38
    assert run.window is not None and "start" in run.window
    assert "rows written" in run._repr_html_()

    predictions = client.rows(f"{database}.trip_predictions", where="execution_date = '2026-11-03'")
    assert len(predictions) == 38 and set(predictions["run_date"]) == {"2026-11-03"}

    assert client.workflow_run(run.id).steps == run.steps
    runs = client.workflow_runs(name)
    assert [r.id for r in runs] == [run.id]
    assert len(client.workflow_runs(name, limit=1)) == 1
    for bad_limit in (0, -2):
        with pytest.raises(InvalidInputError) as refused_limit:
            client.workflow_runs(name, limit=bad_limit)
        assert (refused_limit.value.status, refused_limit.value.field) == (0, "limit")
    assert client.workflow_runs(unique("sdkflow-never-run-")) == []
    with pytest.raises(InvalidInputError) as bad_name:
        client.workflow_runs("no/such")
    assert (bad_name.value.status, bad_name.value.field) == (0, "name")
    assert "status" in runs.to_pandas().columns

    with pytest.raises(InvalidInputError) as not_failed:
        client.retry_run(run.id)
    assert not_failed.value.status == 400
    with pytest.raises(NotFoundError) as unknown_run:
        client.workflow_run(UNKNOWN_ID)
    assert (unknown_run.value.status, unknown_run.value.field) == (404, "id")
    with pytest.raises(NotFoundError):
        client.retry_run(UNKNOWN_ID)
    with pytest.raises(NotFoundError) as unknown_name:
        client.run_workflow(unique("sdkflow-absent-"), "2026-11-03")
    assert unknown_name.value.status == 404


def test_a_failing_sql_step_raises_and_retries(client: "carrara.Client", unique: Any, database: str) -> None:
    name = unique("sdkflow-")
    text = textwrap.dedent(f"""\
        name: {name}
        steps:
          - name: features
            sql: SELECT * FROM {database}.no_such_table
            output: {database}.never
        retries: {{max: 0}}
        """)
    run = client.run_workflow(text, "2026-11-04")
    with pytest.raises(JobFailedError) as failed:
        run.wait(timeout=300, poll_interval=0.2)
    error = failed.value
    assert error.job is run and run.status == "failed" and run.failed
    assert run.failed_step is not None and run.failed_step.name == "features"
    assert "step features" in error.message and run.id in error.message and "no_such_table" in error.message
    assert run.steps[0].attempts == 1 and run.steps[0].error

    retried = run.retry()
    assert retried is run and run.status in ("queued", "running", "failed")
    with pytest.raises(JobFailedError):
        run.wait(timeout=300, poll_interval=0.2)
    assert run.steps[0].attempts == 2

    with pytest.raises(InvalidInputError) as bad_definition:
        client.run_workflow(f"name: {name}\nsteps: []\n", "2026-11-04")
    assert (bad_definition.value.status, bad_definition.value.field) == (400, "steps")
    with pytest.raises(InvalidInputError) as bad_date:
        client.run_workflow(text, "2026-11-31")
    assert bad_date.value.status == 400 and bad_date.value.field == "executionDate"


def test_a_failing_predict_step_carries_the_jobs_code(client: "carrara.Client", unique: Any, database: str,
                                                       trips_instance: str, trips_table: str) -> None:
    name = unique("sdkflow-")
    text = scoring_workflow(name, database, trips_instance, trips_table).replace(
        f"query: SELECT * FROM {database}.trip_features", f"query: SELECT * FROM {database}.no_features")
    run = client.run_workflow(text, datetime.date(2026, 11, 5), instance=trips_instance)
    assert run.instance == trips_instance
    with pytest.raises(JobFailedError) as failed:
        run.wait(timeout=300, poll_interval=0.2)
    assert run.steps[0].status == "succeeded" and run.steps[1].status == "failed"
    assert "step score" in failed.value.message
    assert (failed.value.code, failed.value.field) == ("TABLE_NOT_FOUND", "query")
    job = client.batch_job(run.steps[1].batch_job)
    assert job.error is not None
    assert (failed.value.number, failed.value.type) == (job.error.number, job.error.type)


def test_backfill_two_dates(client: "carrara.Client", unique: Any, database: str, trips_table: str) -> None:
    name = unique("sdkflow-")
    text = textwrap.dedent(f"""\
        name: {name}
        steps:
          - name: day
            sql: SELECT count(*) AS trips, '{{{{ execution_date }}}}' AS day FROM {trips_table}
            output: {database}.backfill_{name.replace('-', '_')}
        """)
    runs = client.backfill(text, datetime.date(2026, 11, 1), "2026-11-02")
    assert [r.execution_date for r in runs] == [datetime.date(2026, 11, 1), datetime.date(2026, 11, 2)]
    assert {r.trigger for r in runs} == {"backfill"}
    for run in runs:
        run.wait(timeout=300, poll_interval=0.2)
        assert run.status == "succeeded" and run.steps[0].rows_written == 1
    assert [r.execution_date for r in client.workflow_runs(name)] == [datetime.date(2026, 11, 2),
                                                                      datetime.date(2026, 11, 1)]
    assert len(runs.to_pandas()) == 2

    with pytest.raises(InvalidInputError) as backwards:
        client.backfill(text, "2026-11-02", datetime.date(2026, 11, 1))
    assert (backwards.value.status, backwards.value.field) == (0, "from")
    with pytest.raises(InvalidInputError) as bad_instance:
        client.backfill(text, "2026-11-01", "2026-11-01", instance="not-a-uuid")
    assert bad_instance.value.status == 400
