"""decode_inputs: the one-block shortcut for requests of one numeric type gives exactly the frame
the general path (pyarrow's to_pandas) gives, and anything else still takes the general path."""
from __future__ import annotations

import numpy
import pandas
import pyarrow
import pytest

from carrara import codec
from carrara.home import ColumnSpec


def request(columns, arrow_type, kind_type, values):
    specs = tuple(ColumnSpec(name, kind_type) for name in columns)
    table = pyarrow.table({name: pyarrow.array(values[name], type=arrow_type) for name in columns})
    return table, specs


@pytest.mark.parametrize("arrow_type, kind_type, values", [
    (pyarrow.float64(), "double", {"a": [1.5, -2.0, 1e300], "b": [0.0, float("nan"), 3.25]}),
    (pyarrow.float32(), "float", {"a": [1.5, -2.0, 3.0], "b": [0.0, 7.0, 3.25]}),
    (pyarrow.int32(), "int", {"a": [1, -2, 2**31 - 1], "b": [0, 7, -2**31]}),
    (pyarrow.int64(), "bigint", {"a": [1, -2, 2**62], "b": [0, 7, 3]}),
    (pyarrow.bool_(), "boolean", {"a": [True, False, True], "b": [False, False, True]}),
])
def test_uniform_request_gives_the_general_frame(arrow_type, kind_type, values):
    table, specs = request(["a", "b"], arrow_type, kind_type, values)
    frame = codec.decode_inputs(table, "dataframe", specs)
    pandas.testing.assert_frame_equal(frame, table.to_pandas(), check_exact=True)
    assert list(frame.dtypes) == [table.to_pandas().dtypes["a"]] * 2


def test_one_row_and_zero_rows():
    for rows in (1, 0):
        table, specs = request(["x", "y", "z"], pyarrow.float64(), "double",
                               {"x": [0.5] * rows, "y": [1.0] * rows, "z": [2.0] * rows})
        frame = codec.decode_inputs(table, "dataframe", specs)
        assert frame.shape == (rows, 3)
        pandas.testing.assert_frame_equal(frame, table.to_pandas(), check_exact=True)


def test_nulls_take_the_general_path():
    # An int column with a null becomes float64 with NaN in to_pandas; the shortcut must not see it.
    table, specs = request(["a", "b"], pyarrow.int64(), "bigint", {"a": [1, None], "b": [2, 3]})
    frame = codec.decode_inputs(table, "dataframe", specs)
    assert frame["a"].dtype == numpy.float64 and numpy.isnan(frame["a"][1])
    assert frame["b"].dtype == numpy.int64


def test_mixed_types_order_and_extra_columns_take_the_general_path():
    specs = (ColumnSpec("a", "double"), ColumnSpec("b", "bigint"))
    mixed = pyarrow.table({"a": [1.0, 2.0], "b": pyarrow.array([3, 4], pyarrow.int64())})
    frame = codec.decode_inputs(mixed, "dataframe", specs)
    assert list(frame.dtypes) == [numpy.float64, numpy.int64]

    specs = (ColumnSpec("a", "double"), ColumnSpec("b", "double"))
    reordered = pyarrow.table({"b": [3.0, 4.0], "a": [1.0, 2.0], "extra": [9.0, 9.0]})
    frame = codec.decode_inputs(reordered, "dataframe", specs)
    assert list(frame.columns) == ["a", "b"] and frame["a"].tolist() == [1.0, 2.0]


def test_several_record_batches_take_the_general_path():
    specs = (ColumnSpec("a", "double"), ColumnSpec("b", "double"))
    first = pyarrow.record_batch({"a": [1.0], "b": [2.0]})
    second = pyarrow.record_batch({"a": [3.0], "b": [4.0]})
    table = pyarrow.Table.from_batches([first, second])
    frame = codec.decode_inputs(table, "dataframe", specs)
    assert frame.to_dict("list") == {"a": [1.0, 3.0], "b": [2.0, 4.0]}
