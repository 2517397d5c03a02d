"""The transport's own rules, without a server: times, JSON cells, limits, names."""
from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest

from carrara.sdk._core import (InvalidInputError, ResultList, check_limit, json_value, object_id, object_name,
                               parse_time, record)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-22T03:12:32.123456Z", datetime.datetime(2026, 11, 22, 3, 12, 32, 123456, datetime.timezone.utc)),
    ("2026-11-22T03:12:32.123456789Z", datetime.datetime(2026, 11, 22, 3, 12, 32, 123456, datetime.timezone.utc)),
    ("2026-11-22T03:12:32Z", datetime.datetime(2026, 11, 22, 3, 12, 32, 0, datetime.timezone.utc)),
    ("2026-11-22T03:12:32.1+02:00", datetime.datetime(2026, 11, 22, 1, 12, 32, 100000, datetime.timezone.utc)),
    ("2026-11-22T03:12:32.5", datetime.datetime(2026, 11, 22, 3, 12, 32, 500000, datetime.timezone.utc)),
])
def test_server_times_are_aware_utc_datetimes(text, expected):
    parsed = parse_time(text)
    assert parsed == expected and parsed.tzinfo is not None


def test_a_time_that_is_not_iso_is_refused():
    assert parse_time(None) is None
    with pytest.raises(ValueError):
        parse_time("yesterday")


def test_json_cells():
    assert json_value(float("nan"), "x") is None
    assert json_value(Decimal("1.5"), "x") == 1.5
    assert json_value(datetime.date(2026, 12, 1), "x") == "2026-12-01"
    assert json_value({"a": [1, float("nan")]}, "x") == {"a": [1, None]}
    with pytest.raises(InvalidInputError) as infinite:
        json_value(math.inf, "row 3 column distance")
    assert infinite.value.field == "row 3 column distance"
    with pytest.raises(InvalidInputError) as raw:
        json_value(b"abc", "row 0 column payload")
    assert "bytes" in raw.value.message


def test_numpy_and_pandas_cells():
    import numpy
    import pandas
    assert json_value(numpy.int64(7), "x") == 7 and type(json_value(numpy.int64(7), "x")) is int
    assert json_value(numpy.array([1.5, numpy.nan]), "x") == [1.5, None]
    assert json_value(pandas.NA, "x") is None and json_value(pandas.NaT, "x") is None
    assert json_value(pandas.Timestamp("2026-12-01T10:00:00Z"), "x") == "2026-12-01T10:00:00+00:00"


def test_limits():
    assert check_limit(None) is None and check_limit(5) == 5
    for bad in (0, -1, True, 2.5):
        with pytest.raises(InvalidInputError) as refused:
            check_limit(bad)  # type: ignore[arg-type]
        assert refused.value.field == "limit"


def test_names_and_ids():
    class Named:
        name = "eta"
        id = "6f1c"
    assert object_name(Named()) == "eta" and object_id(Named()) == "6f1c"
    for call in (lambda: object_name(""), lambda: object_id("")):
        with pytest.raises(InvalidInputError):
            call()
    with pytest.raises(TypeError):
        object_name(42)


def test_nested_objects_become_json_in_tables():
    import dataclasses

    @dataclasses.dataclass
    class Lookup:
        group: str
        at: datetime.datetime

    row = record({"features": [Lookup("g", datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))]})
    assert row["features"] == '[{"at": "2026-01-01T00:00:00+00:00", "group": "g"}]'
    assert ResultList([{"a": 1}]).to_pandas()["a"].tolist() == [1]
