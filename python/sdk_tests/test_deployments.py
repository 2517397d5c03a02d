"""Deployments and predictions against a real server, with the golden Spark pipeline
(carrara-pipeline's trips logistic regression, saved by Spark 4.1.0) and the values Spark computed
for its rows (expected.jsonl): deploy, predict with DataFrames and dicts, row errors in place,
history, the prediction log, undeploy, and the errors the server gives."""
from __future__ import annotations

import dataclasses
import socket
import time
import uuid
from typing import Any, Dict, Iterator, List

import numpy as np
import pandas as pd
import pytest

import carrara
from carrara.sdk.deployments import Deployment, DeploymentRevision, PredictionLog

from conftest import INPUT_COLUMNS, OUTPUTS, assert_close, create_instance, expected_rows, model_zip, scored_rows


@pytest.fixture(scope="module")
def deployed(client: carrara.Client, trips: Dict[str, str]) -> Iterator[Deployment]:
    """The golden pipeline deployed with every prediction logged."""
    name = f"sdkdep-{uuid.uuid4().hex[:8]}"
    deployment = client.deploy(name, trips["instance"], log_sample_rate=1)
    yield deployment
    try:
        client.undeploy(name)
    except carrara.NotFoundError:
        pass


def frame_of(rows: List[Dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{column: row["input"][column] for column in INPUT_COLUMNS} for row in rows])


# ---------------------------------------------------------------- deploy and read back

def test_deploy_waits_until_ready_and_reads_back(client: carrara.Client, deployed: Deployment,
                                                 trips: Dict[str, str]) -> None:
    assert deployed.outcome == "created"
    assert deployed.status == "ready"
    assert deployed.revision == 1
    assert deployed.routing == "pinned"
    assert deployed.instance == trips["instance"]
    assert deployed.model == trips["model"]
    assert deployed.log_sample_rate == 1.0

    read = client.deployment(deployed.name)
    assert client.deployment(deployed).name == deployed.name  # a Deployment for its name
    assert (read.name, read.instance, read.revision, read.status) == (deployed.name, trips["instance"], 1, "ready")
    assert read.updated_by == "sdk-tests" and read.updated_at is not None
    names = [d.name for d in client.deployments()]
    assert deployed.name in names
    assert "sdk-tests" in client.deployments().to_pandas().set_index("name").loc[deployed.name, "updated_by"]
    assert dataclasses.asdict(read)["name"] == deployed.name  # the client it came from is not a field
    page = read._repr_html_()
    assert deployed.name in page and "ready" in page and trips["instance"] in page and "log sample rate" in page

    again = client.deploy(deployed.name, trips["instance"], log_sample_rate=1)
    assert again.outcome == "unchanged" and again.revision == 1


def test_deployment_that_does_not_exist(client: carrara.Client, unique: Any) -> None:
    name = unique("sdk-missing-")
    with pytest.raises(carrara.NotFoundError) as raised:
        client.deployment(name)
    assert raised.value.status == 404 and raised.value.code == "NOT_FOUND" and raised.value.field == "name"
    with pytest.raises(carrara.NotFoundError) as raised:
        client.history(name)
    assert raised.value.code == "NOT_FOUND"
    with pytest.raises(carrara.NotFoundError):
        client.undeploy(name)
    with pytest.raises(carrara.NotFoundError) as raised:
        client.predict(name, [{"id": 1}])
    assert raised.value.field == "name"


def test_deploy_unknown_instance_names_the_field(client: carrara.Client, unique: Any, trips: Dict[str, str]) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(carrara.NotFoundError) as raised:
        client.deploy(unique("sdk-bad-"), missing)
    assert raised.value.status == 404 and raised.value.code == "NOT_FOUND" and raised.value.field == "instance"
    assert missing in raised.value.message

    with pytest.raises(carrara.InvalidInputError) as invalid:
        client.deploy(unique("sdk-bad-"), "not-a-uuid")
    assert invalid.value.status == 400 and invalid.value.code == "INVALID_ARGUMENT" and invalid.value.field == "instance"

    with pytest.raises(carrara.NotFoundError) as routed:
        client.deploy(unique("sdk-bad-"), partition_by="city", instances={"new_york": missing}, default=trips["instance"])
    assert routed.value.field == "instances.new_york"


def test_deploy_refused_keeps_the_reason_in_history(client: carrara.Client, unique: Any,
                                                     trips: Dict[str, str]) -> None:
    # An instance whose pipeline cannot take its declared inputs fails to load: the deploy is refused.
    model = unique("broken")  # a model of its own, so that `latest` of trips stays the golden instance
    client._json("POST", f"/api/v1/projects/{trips['project']}/models", json_body={"name": model})
    broken = create_instance(client, trips["project"], model, model_zip(), schema="id int, city int")
    name = unique("sdk-refused-")
    with pytest.raises(carrara.InvalidInputError) as raised:
        client.deploy(name, broken)
    assert raised.value.code == "DEPLOYMENT_REFUSED" and raised.value.field == "instance"
    revisions = client.history(name)
    assert [r.action for r in revisions] == ["refused"]
    assert revisions[0].reason and revisions[0].instance == broken


def test_deploy_latest_and_partitioned(client: carrara.Client, unique: Any, trips: Dict[str, str]) -> None:
    name = unique("sdk-latest-")
    latest = client.deploy(name, model=trips["model"], latest=True, progress=False)
    try:
        assert latest.instance == trips["instance"] and latest.status == "ready"
        partitioned = client.deploy(name, partition_by="city", instances={"new_york": trips["instance"]},
                                    default=trips["instance"])
        assert partitioned.outcome == "updated" and partitioned.routing == "partitioned"
        assert partitioned.partition_by == "city" and partitioned.instances == {"new_york": trips["instance"]}
        assert partitioned.default == trips["instance"]
        result = client.predict_result(name, [scored_rows()[0]["input"], scored_rows()[1]["input"]])
        assert result.instances == [trips["instance"], trips["instance"]] and result.failed == 0
        assert "by city" in partitioned._repr_html_()
    finally:
        client.undeploy(name)


# ---------------------------------------------------------------- predictions

def test_predict_dataframe_gives_sparks_values(deployed: Deployment) -> None:
    golden = expected_rows()
    frame = frame_of(golden)
    frame.index = [f"r{i}" for i in range(len(frame))]  # the answer keeps the caller's index
    scored = deployed.predict(frame)

    assert list(scored.index) == list(frame.index)
    assert list(scored.columns[:len(INPUT_COLUMNS)]) == INPUT_COLUMNS
    pd.testing.assert_frame_equal(scored[INPUT_COLUMNS], frame)
    assert set(OUTPUTS) <= set(scored.columns)
    assert list(scored.columns[-4:]) == ["error", "error_code", "error_column", "skipped"]
    for position, row in enumerate(golden):
        answer = scored.iloc[position]
        if "skipped" in row:
            assert bool(answer["skipped"]) is True and answer["error"] is None
            continue
        assert bool(answer["skipped"]) is False and answer["error"] is None and answer["error_code"] is None
        for column in OUTPUTS + ["city_index", "features"]:
            assert_close(answer[column], row["output"][column])


def test_outputs_narrow_the_answer_to_the_named_columns(client: carrara.Client, unique: Any,
                                                      trips: Dict[str, str]) -> None:
    name = unique("sdk-outputs-")
    client.deploy(name, trips["instance"])
    narrowed = client.deploy(name, trips["instance"], outputs=["probability", "prediction"])
    try:
        assert narrowed.outcome == "updated" and narrowed.outputs == ["probability", "prediction"]
        assert client.history(name)[1].changed == ["outputs"]
        assert client.history(name)[1].outputs == ["probability", "prediction"]
        row = [r for r in expected_rows() if "skipped" not in r][0]
        scored = narrowed.predict(frame_of([row]))
        assert list(scored.columns[:len(INPUT_COLUMNS)]) == INPUT_COLUMNS
        assert list(scored.columns[len(INPUT_COLUMNS):]) == ["probability", "prediction", "error", "error_code",
                                                             "error_column", "skipped"]
        assert_close(scored.iloc[0]["prediction"], row["output"]["prediction"])
        with pytest.raises(TypeError):
            client.deploy(name, trips["instance"], outputs="prediction")
    finally:
        client.undeploy(name)


def test_predict_reports_a_bad_row_in_place(deployed: Deployment) -> None:
    rows = scored_rows()[:3]
    frame = frame_of(rows).astype({"distance": object})
    frame.loc[1, "distance"] = "far"
    scored = deployed.predict(frame)

    assert len(scored) == 3
    bad = scored.iloc[1]
    # the instance declares distance a double: the pipeline refuses the row, naming the column
    assert bad["error_code"] == "ROW_INVALID" and bad["error_column"] == "distance" and "far" in bad["error"]
    assert bad["prediction"] is None or pd.isna(bad["prediction"])
    for position in (0, 2):
        assert scored.iloc[position]["error"] is None
        assert_close(scored.iloc[position]["probability"], rows[position]["output"]["probability"])

    # the same with dicts: the server's row objects, the error in the failed row's place
    answer = deployed.predict([{**rows[0]["input"]}, {**rows[1]["input"], "distance": "far"}])
    assert len(answer) == 2
    assert_close(answer[0]["prediction"], rows[0]["output"]["prediction"])
    assert answer[1]["code"] == "ROW_INVALID" and answer[1]["number"] == 131077 and answer[1]["column"] == "distance"
    assert "error" in answer[1] and "prediction" not in answer[1]
    result = deployed._api().predict_result(deployed.name, [rows[1]["input"], {**rows[1]["input"], "distance": "far"}])
    assert result.errors[0] is None and result.failed == 1
    error = result.errors[1]
    assert error is not None and (error.row, error.code, error.column, error.type) == (1, "ROW_INVALID", "distance",
                                                                                       "INVALID_INPUT")


def test_predict_sends_missing_values_as_null(deployed: Deployment) -> None:
    rows = scored_rows()[:3]
    frame = frame_of(rows)
    frame.loc[0, "distance"] = np.nan                                      # NaN in a float column
    frame["passengers"] = frame["passengers"].astype("Int64")
    frame.loc[1, "passengers"] = pd.NA                                     # pd.NA in a nullable int column
    scored = deployed.predict(frame)
    # JSON has no NaN: both travel as null, which the pipeline's handleInvalid=skip stage drops
    assert list(scored["skipped"]) == [True, True, False]
    assert_close(scored.iloc[2]["probability"], rows[2]["output"]["probability"])

    answer = deployed.predict([{**rows[0]["input"], "distance": float("nan")}])
    assert answer == [{"skipped": True}]


def test_predict_result_and_large_frames(deployed: Deployment, client: carrara.Client, trips: Dict[str, str]) -> None:
    rows = scored_rows()
    frame = frame_of(rows * 30)  # 1,140 rows: three requests
    result = client.predict_result(deployed, frame)
    assert len(result.rows) == len(frame) and result.failed == 0 and result.skipped == 0
    assert set(result.instances) == {trips["instance"]}
    assert all(result.prediction_ids)  # logSampleRate 1: every row is logged
    scored = client.predict(deployed.name, frame, instance=trips["instance"])
    assert len(scored) == len(frame)
    assert_close(list(scored["prediction"].iloc[-len(rows):]), [r["output"]["prediction"] for r in rows])


def test_predict_refuses_what_is_not_rows(deployed: Deployment, trips: Dict[str, str]) -> None:
    with pytest.raises(TypeError):
        deployed.predict({"id": 1})
    with pytest.raises(TypeError):
        deployed.predict([1, 2])
    with pytest.raises(carrara.InvalidInputError) as raised:
        deployed.predict([scored_rows()[0]["input"]], instance=str(uuid.uuid4()))
    assert raised.value.status == 400 and raised.value.field == "instance"
    # refused before any request (status 0), naming what to fix
    duplicated = pd.DataFrame([[1, 2]], columns=["id", "id"])
    with pytest.raises(carrara.InvalidInputError) as duplicate:
        deployed.predict(duplicated)
    assert duplicate.value.status == 0 and duplicate.value.field == "rows" and "id" in duplicate.value.message
    with pytest.raises(carrara.InvalidInputError) as infinite:
        deployed.predict([{"distance": float("inf")}])
    assert infinite.value.status == 0 and infinite.value.field == "row 0 column distance"
    with pytest.raises(carrara.InvalidInputError) as taken:
        deployed.predict(pd.DataFrame({"id": [1], "error": ["x"]}))
    assert taken.value.field == "rows" and "error" in taken.value.message
    with pytest.raises(carrara.InvalidInputError) as empty:
        deployed._api().predict("", [{}])
    assert empty.value.field == "deployment"


# ---------------------------------------------------------------- history, prediction log, undeploy

def test_history_shows_the_revisions(client: carrara.Client, unique: Any, trips: Dict[str, str]) -> None:
    name = unique("sdk-history-")
    client.deploy(name, trips["instance"])
    updated = client.deploy(name, trips["instance"], log_sample_rate=0.5)
    assert updated.outcome == "updated" and updated.revision == 2
    removed = updated.undeploy()
    assert isinstance(removed, DeploymentRevision)
    assert removed.action == "undeployed" and removed.revision == 3
    revisions = client.history(name)
    assert [(r.revision, r.action) for r in revisions] == [(1, "created"), (2, "updated"), (3, "undeployed")]
    assert revisions[1].changed == ["logSampleRate"] and revisions[1].log_sample_rate == 0.5
    assert revisions[1].changed_by == "sdk-tests" and revisions[1].changed_at is not None
    table = revisions.to_pandas()
    assert list(table["action"]) == ["created", "updated", "undeployed"]


def test_logged_predictions_come_back(client: carrara.Client, deployed: Deployment) -> None:
    rows = scored_rows()[:2]
    result = client.predict_result(deployed.name, [rows[0]["input"], rows[1]["input"]])
    ids = result.prediction_ids
    assert all(ids)
    logged: PredictionLog = PredictionLog()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the log is written in the background
        logged = deployed.logged_predictions(limit=10_000)
        if set(ids) <= {p.id for p in logged}:
            break
        time.sleep(0.2)
    mine = {p.id: p for p in logged if p.id in ids}
    assert set(mine) == set(ids)
    first = mine[str(ids[0])]
    assert first.deployment == deployed.name and first.instance == deployed.instance
    assert first.input["city"] == rows[0]["input"]["city"]
    assert_close(first.output["probability"], rows[0]["output"]["probability"])
    assert first.created_at is not None and first.format_version == 1
    table = logged.to_pandas()
    assert {"id", "instance", "created_at", "city", "probability", "prediction"} <= set(table.columns)

    limited = deployed.logged_predictions(limit=1)
    assert len(limited) == 1
    everything = deployed.logged_predictions()  # no limit: every page
    assert set(ids) <= {p.id for p in everything} and len(everything) >= len(logged)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(carrara.InvalidInputError) as wrong:
            deployed.logged_predictions(limit=bad)
        assert wrong.value.field == "limit" and wrong.value.status == 0
    window = client.logged_predictions(deployed.name, from_=first.created_at, to=first.created_at)
    assert len(window) == 0  # [from, to) is empty when from == to
    with pytest.raises(carrara.InvalidInputError) as raised:
        client.logged_predictions(deployed.name, from_="yesterday")
    assert raised.value.field == "from"


def test_undeploy_then_predict_is_not_found(client: carrara.Client, unique: Any, trips: Dict[str, str]) -> None:
    name = unique("sdk-undeploy-")
    deployment = client.deploy(name, trips["instance"])
    assert len(deployment.predict([scored_rows()[0]["input"]])) == 1
    revision = client.undeploy(name)
    assert revision.action == "undeployed" and revision.name == name
    with pytest.raises(carrara.NotFoundError) as raised:
        deployment.predict([scored_rows()[0]["input"]])
    assert raised.value.status == 404 and raised.value.code == "NOT_FOUND"
    with pytest.raises(carrara.NotFoundError):
        deployment.ready()
    assert name not in [d.name for d in client.deployments()]


def test_deployment_object_calls_its_server(deployed: Deployment) -> None:
    assert deployed.ready() is True and deployed.status == "ready"
    assert [t.name for t in deployed.metadata().inputs] == INPUT_COLUMNS
    assert [r.action for r in deployed.history()][0] == "created"
    row = scored_rows()[0]
    tensors = {column: np.array([row["input"][column]]) for column in INPUT_COLUMNS}
    answer = deployed.infer(tensors, outputs=["probability"])
    assert_close(answer["probability"].tolist(), [row["output"]["probability"]])
    unbound = Deployment(name="nowhere")
    with pytest.raises(RuntimeError):
        unbound.predict([{}])


def test_deploy_timeout_is_one_deadline(client: carrara.Client, trips: Dict[str, str]) -> None:
    # A listener that accepts the connection and never answers stands for a server still loading the
    # models of the deploy: whatever the real server's speed, the client must give up at its deadline.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        with carrara.Client(f"http://127.0.0.1:{port}", progress=False) as waiting:
            name = "slow-deploy"
            started = time.monotonic()
            with pytest.raises(TimeoutError) as raised:
                waiting.deploy(name, trips["instance"], timeout=0.5)
            elapsed = time.monotonic() - started
    message = str(raised.value)
    assert name in message and "model_ready_reason" in message and "goes on" in message
    assert 0.4 < elapsed < 5  # the request and the wait share the 0.5 s
    with pytest.raises(carrara.InvalidInputError) as bad:
        client.deploy("any-name", trips["instance"], timeout=0)
    assert bad.value.field == "timeout"


def test_deploy_takes_a_deployment_object(client: carrara.Client, deployed: Deployment,
                                          trips: Dict[str, str]) -> None:
    again = client.deploy(deployed, trips["instance"], log_sample_rate=1)
    assert again.name == deployed.name and again.outcome == "unchanged"
    assert [r.action for r in client.history(deployed)][0] == "created"
