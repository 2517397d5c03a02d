"""The online feature store against a real server: put, get, delete, bulk loads from a DataFrame and
from CSV and JSON Lines files, the errors the server gives, and a deployment that joins features into
the rows it scores (the golden Spark pipeline, its `hour` input looked up by the row's id)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, cast

import numpy as np
import pandas as pd
import pytest

import carrara
from carrara.sdk.deployments import FeatureEntity, FeatureLookup, FeatureLoadReport

from conftest import INPUT_COLUMNS, assert_close, scored_rows


def test_put_get_and_delete(client: carrara.Client, unique: Any) -> None:
    group = unique("sdkfeat")
    key = "driver 42/7"  # keys are URL-encoded in the path
    entity = client.put_features(group, key, {"trips_7d": 12, "rating": 4.8, "tags": ["a", "b"],
                                              "count": np.int64(3), "active": np.bool_(True)})
    assert isinstance(entity, FeatureEntity)
    assert (entity.group, entity.key) == (group, key)
    assert entity.features == {"trips_7d": 12, "rating": 4.8, "tags": ["a", "b"], "count": 3, "active": True}
    assert "rating" in entity._repr_html_()

    merged = client.put_features(group, key, {"rating": None, "late": 0.0})  # None removes a feature
    assert "rating" not in merged.features and merged.features["late"] == 0.0 and merged.features["trips_7d"] == 12

    assert client.features(group, key).features == merged.features
    some = client.features(group, key, names=["trips_7d", "unknown"])
    assert some.features == {"trips_7d": 12, "unknown": None}

    client.delete_features(group, key)
    with pytest.raises(carrara.NotFoundError) as raised:
        client.features(group, key)
    assert raised.value.status == 404 and raised.value.code == "NOT_FOUND" and raised.value.field == "key"
    with pytest.raises(carrara.NotFoundError) as again:
        client.delete_features(group, key)
    assert again.value.field == "key"


def test_feature_errors_name_the_field(client: carrara.Client, unique: Any) -> None:
    group = unique("sdkfeat")
    with pytest.raises(carrara.InvalidInputError) as nested:
        client.put_features(group, "k", {"address": {"city": "x"}})
    assert nested.value.status == 400 and nested.value.code == "INVALID_ARGUMENT" and nested.value.field == "address"
    with pytest.raises(carrara.InvalidInputError) as name:
        client.put_features(group, "k", {"bad name!": 1})
    assert name.value.field == "bad name!"
    with pytest.raises(carrara.InvalidInputError) as bad_group:
        client.features("bad group!", "k")
    assert bad_group.value.field == "group"
    with pytest.raises(carrara.NotFoundError) as unknown:
        client.features(unique("sdknogroup"), "k")
    assert unknown.value.code == "NOT_FOUND"
    with pytest.raises(carrara.InvalidInputError) as infinite:
        client.put_features(group, "k", {"rating": float("inf")})
    assert infinite.value.field == "rating" and infinite.value.status == 0  # refused before any request
    with pytest.raises(carrara.InvalidInputError) as empty_key:
        client.features(group, "")
    assert empty_key.value.field == "key"
    with pytest.raises(carrara.InvalidInputError) as empty_group:
        client.put_features("", "k", {"rating": 1})
    assert empty_group.value.field == "group"
    with pytest.raises(carrara.InvalidInputError) as empty_load:
        client.load_features("", pd.DataFrame({"id": [1]}), key="id")
    assert empty_load.value.field == "group"
    with pytest.raises(TypeError):
        client.put_features(group, "k", cast(Any, [("rating", 1)]))  # not a dict


def test_load_from_a_dataframe(client: carrara.Client, unique: Any) -> None:
    group = unique("sdkfeat")
    frame = pd.DataFrame({"driver_id": ["d1", "d2", 7], "trips_7d": pd.array([1, 2, None], dtype="Int64"),
                          "rating": [4.5, np.nan, 3.0], "city": ["nyc", "sf", None]})
    client.put_features(group, "d2", {"rating": 1.0})
    report = client.load_features(group, frame, key="driver_id")
    assert isinstance(report, FeatureLoadReport)
    assert (report.loaded, report.failed, report.errors) == (3, 0, [])
    assert client.features(group, "d1").features == {"trips_7d": 1, "rating": 4.5, "city": "nyc"}
    # a missing value leaves the stored feature as it is
    assert client.features(group, "d2").features == {"trips_7d": 2, "rating": 1.0, "city": "sf"}
    assert client.features(group, "7").features == {"rating": 3.0}

    bad = pd.DataFrame({"driver_id": ["q", "r"], "nested": [{"a": 1}, 2]})
    partial = client.load_features(group, bad, key="driver_id")
    assert (partial.loaded, partial.failed) == (1, 1)
    assert partial.errors[0].line == 1 and partial.errors[0].field == "nested"
    assert list(partial.errors_to_pandas()["line"]) == [1]

    with pytest.raises(carrara.InvalidInputError) as raised:
        client.load_features(group, frame, key="no_such_column")
    assert raised.value.field == "key"


def test_load_from_csv_and_jsonl_files(client: carrara.Client, unique: Any, tmp_path: Path) -> None:
    group = unique("sdkfeat")
    csv = tmp_path / "drivers.csv"
    csv.write_text("driver_id,trips_7d,rating,code\nb1,3,4.1,007\nb2,,4.2,x\nb3,5,,y\n", encoding="utf-8")
    report = client.load_features(group, csv, key="driver_id", progress=True)
    assert (report.loaded, report.failed) == (3, 0)
    assert client.features(group, "b1").features == {"trips_7d": 3, "rating": 4.1, "code": "007"}
    assert client.features(group, "b2").features == {"rating": 4.2, "code": "x"}

    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text('{"driver_id": "b4", "rating": 5}\n\nnot json\n{"driver_id": "b5", "rating": 2.5}\n',
                     encoding="utf-8")
    loaded = client.load_features(group, str(jsonl), key="driver_id")
    assert (loaded.loaded, loaded.failed) == (2, 1) and loaded.errors[0].line == 3
    assert client.features(group, "b5").features == {"rating": 2.5}

    text = tmp_path / "drivers.txt"
    text.write_text("driver_id,rating\nb6,1\n", encoding="utf-8")
    with pytest.raises(carrara.InvalidInputError) as unknown_format:
        client.load_features(group, text, key="driver_id")
    assert unknown_format.value.field == "format"
    assert client.load_features(group, text, key="driver_id", format="csv").loaded == 1
    with pytest.raises(carrara.InvalidInputError) as parquet:
        client.load_features(group, text, key="driver_id", format="parquet")
    assert parquet.value.field == "format"
    with pytest.raises(TypeError):
        client.load_features(group, 42, key="driver_id")

    with pytest.raises(carrara.InvalidInputError) as no_key:
        client.load_features(group, csv, key="driver")
    assert no_key.value.status == 400 and no_key.value.field == "key" and "driver" in no_key.value.message
    with pytest.raises(carrara.InvalidInputError) as no_file:
        client.load_features(group, tmp_path / "missing.csv", key="driver_id")
    assert no_file.value.field == "source"
    with pytest.raises(carrara.InvalidInputError) as bad_group:
        client.load_features("bad group!", csv, key="driver_id")
    assert bad_group.value.field == "group"


def test_deployment_joins_features(client: carrara.Client, unique: Any, trips: Dict[str, str]) -> None:
    group = unique("sdktrips")
    rows = scored_rows()[:6]
    # the rows' hour comes from the store, looked up by their id
    client.load_features(group, pd.DataFrame({"id": [r["input"]["id"] for r in rows],
                                              "hour": [r["input"]["hour"] for r in rows]}), key="id")
    name = unique("sdk-features-")
    deployment = client.deploy(name, trips["instance"], features=[FeatureLookup(group, "id", ["hour"])])
    try:
        assert deployment.features == [FeatureLookup(group=group, key="id", features=["hour"])]
        frame = pd.DataFrame([{c: r["input"][c] for c in INPUT_COLUMNS if c != "hour"} for r in rows])
        scored = deployment.predict(frame)
        assert "hour" not in scored.columns  # the answer passes the caller's fields, not the joined features
        for position, row in enumerate(rows):
            assert_close(scored.iloc[position]["probability"], row["output"]["probability"])

        strict = client.deploy(name, trips["instance"], missing_features="reject",
                               features=[{"group": group, "key": "id", "features": ["hour"]}])
        assert strict.missing_features == "reject" and strict.revision == 2
        unknown = {**{c: rows[0]["input"][c] for c in INPUT_COLUMNS if c != "hour"}, "id": 1}
        answer = strict.predict(pd.DataFrame([unknown]))
        assert answer.iloc[0]["error_code"] == "FEATURE_MISSING" and answer.iloc[0]["error"]
    finally:
        client.undeploy(name)
