"""Arrow IPC stream bytes <-> what a model's predict takes and returns.

A dataframe model sees a pandas DataFrame; a tensor model a dict of numpy arrays of shape
[n, *shape[1:]]. On the wire a tensor is a list<...> column of each row's flattened values, or a
scalar column when its shape is [-1]. Both directions are checked against the declared types so a
model answer that does not fit fails here, naming the column and the row, rather than in Java.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Mapping, Sequence, Tuple

import numpy
import pandas
import pyarrow

from carrara.errors import ColumnConversionError
from carrara.home import ColumnSpec

DATAFRAME_ARROW_TYPES = {
    "boolean": pyarrow.bool_(),
    "int": pyarrow.int32(),
    "bigint": pyarrow.int64(),
    "float": pyarrow.float32(),
    "double": pyarrow.float64(),
    "string": pyarrow.utf8(),
    "array<double>": pyarrow.list_(pyarrow.float64()),
    "array<string>": pyarrow.list_(pyarrow.utf8()),
}
TENSOR_ELEMENT_ARROW_TYPES = {
    "BOOL": pyarrow.bool_(),
    "INT32": pyarrow.int32(),
    "INT64": pyarrow.int64(),
    "FP32": pyarrow.float32(),
    "FP64": pyarrow.float64(),
    "BYTES": pyarrow.utf8(),
}
_CONVERSION_ERRORS = (pyarrow.ArrowException, TypeError, ValueError, OverflowError)


def arrow_type(kind: str, column: ColumnSpec) -> pyarrow.DataType:
    """The Arrow type of a declared column on the wire."""
    if kind == "dataframe":
        return DATAFRAME_ARROW_TYPES[column.type]
    element = TENSOR_ELEMENT_ARROW_TYPES[column.type]
    return element if len(column.dims) == 1 else pyarrow.list_(element)


@functools.lru_cache(maxsize=64)
def _cached_schema(kind: str, columns: Tuple[ColumnSpec, ...]) -> pyarrow.Schema:
    return pyarrow.schema([pyarrow.field(column.name, arrow_type(kind, column)) for column in columns])


def arrow_schema(kind: str, columns: Sequence[ColumnSpec]) -> pyarrow.Schema:
    if isinstance(columns, tuple):  # a model home's: built once, not on every call
        return _cached_schema(kind, columns)
    return pyarrow.schema([pyarrow.field(column.name, arrow_type(kind, column)) for column in columns])


# ---------------------------------------------------------------- bytes <-> Arrow

def read_stream(data: bytes | bytearray) -> pyarrow.Table:
    """Reads one Arrow IPC stream; raises ColumnConversionError when the bytes are not one."""
    try:
        return pyarrow.ipc.open_stream(pyarrow.py_buffer(data)).read_all()
    except _CONVERSION_ERRORS as error:
        raise ColumnConversionError(f"the request is not an Arrow IPC stream ({len(data)} bytes): {error}") from None


def write_stream(batch: pyarrow.RecordBatch) -> bytes:
    """Writes the batch as one Arrow IPC stream: the schema message and exactly one record batch."""
    sink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


# ---------------------------------------------------------------- Arrow -> predict's input

def decode_inputs(table: pyarrow.Table, kind: str, inputs: Sequence[ColumnSpec]):
    """The model's input from a request table: a DataFrame of the declared columns in declared
    order, or a dict of numpy arrays. Raises ColumnConversionError naming the column."""
    if kind == "dataframe":
        frame = _uniform_frame(table, kind, inputs)
        if frame is not None:
            return frame
    columns = {}
    for column in inputs:
        if column.name not in table.column_names:
            raise ColumnConversionError(f"the request has no input column {column.name!r}; the model declares the inputs "
                                        f"{[spec.name for spec in inputs]} and the request holds {table.column_names}")
        data = table.column(column.name).combine_chunks()
        declared = arrow_type(kind, column)
        if kind == "tensor":
            columns[column.name] = _tensor_from_arrow(data, column)
            continue
        if data.type != declared:
            try:
                data = data.cast(declared)
            except _CONVERSION_ERRORS as error:
                raise ColumnConversionError(f"input column {column.name!r} has Arrow type {data.type}, which does not "
                                            f"convert to the declared {column.type} ({declared}): {error}") from None
        columns[column.name] = data
    if kind == "tensor":
        return columns
    return pyarrow.table(columns).to_pandas()


def _uniform_frame(table: pyarrow.Table, kind: str, inputs: Sequence[ColumnSpec]):
    """The DataFrame of a request whose columns are exactly the declared ones, in one record batch,
    all of one numeric or boolean type and without nulls (the Java server sends this for the usual
    model of numbers), built as one 2-D block: the same frame `to_pandas` gives (same dtypes, names
    and index) at a fraction of its cost, which matters for one-row calls. None for anything else,
    which takes the general path."""
    if table.num_columns == 0 or not table.schema.equals(arrow_schema(kind, inputs)):
        return None
    arrow_type_ = table.schema.field(0).type
    if not (pyarrow.types.is_integer(arrow_type_) or pyarrow.types.is_floating(arrow_type_)
            or pyarrow.types.is_boolean(arrow_type_)):
        return None
    if any(field.type != arrow_type_ for field in table.schema):
        return None
    batches = table.to_batches()
    if len(batches) != 1:
        return None
    batch = batches[0]
    if any(column.null_count for column in batch.columns):
        return None
    block = numpy.column_stack([column.to_numpy(zero_copy_only=False) for column in batch.columns])
    return pandas.DataFrame(block, columns=list(batch.schema.names))


def _tensor_from_arrow(data: pyarrow.Array, column: ColumnSpec) -> numpy.ndarray:
    rows = len(data)
    element = TENSOR_ELEMENT_ARROW_TYPES[column.type]
    describe = f"input tensor {column.name!r}"
    if data.null_count:
        raise ColumnConversionError(f"{describe} row {_first_null(data)} is null; every row needs a value")
    if len(column.dims) == 1:
        if _is_list(data.type):
            raise ColumnConversionError(f"{describe} is a {data.type} column but its shape is [-1]; send a scalar column")
        values = data
    else:
        if not _is_list(data.type):
            raise ColumnConversionError(f"{describe} is a {data.type} column but its shape is {list(column.dims)}; "
                                        "send a list column of each row's flattened values")
        lengths = data.value_lengths().to_numpy(zero_copy_only=False)
        wrong = numpy.flatnonzero(lengths != column.values_per_row)
        if len(wrong):
            raise ColumnConversionError(f"{describe} row {wrong[0]} holds {lengths[wrong[0]]} values; its shape "
                                        f"{list(column.dims)} needs {column.values_per_row} a row")
        values = data.flatten()
        if values.null_count:
            raise ColumnConversionError(f"{describe} row {_first_null(values) // column.values_per_row} holds a null value")
    if values.type != element:
        try:
            values = values.cast(element)
        except _CONVERSION_ERRORS as error:
            raise ColumnConversionError(f"{describe} holds {values.type} values, which do not convert to the declared "
                                        f"{column.type}: {error}") from None
    array = values.to_numpy(zero_copy_only=False)
    return array.reshape((rows,) + tuple(column.dims[1:]))


def _is_list(data_type: pyarrow.DataType) -> bool:
    return pyarrow.types.is_list(data_type) or pyarrow.types.is_large_list(data_type) or pyarrow.types.is_fixed_size_list(data_type)


def _first_null(data: pyarrow.Array) -> int:
    return int(numpy.flatnonzero(data.is_null().to_numpy(zero_copy_only=False))[0])


# ---------------------------------------------------------------- predict's output (or rows) -> Arrow

def encode_columns(kind: str, columns: Sequence[ColumnSpec], data: Mapping[str, Any], rows: int,
                   describe: str) -> pyarrow.RecordBatch:
    """A record batch of the declared columns, in declared order, from `data` (a DataFrame, a dict
    of numpy arrays, or a dict of per-row lists), converted to the declared types. `describe` names
    the columns' role in errors ("output column"). Raises ColumnConversionError naming column and row."""
    arrays = []
    for column in columns:
        if column.name not in data:
            present = list(data.keys()) if hasattr(data, "keys") else []
            raise ColumnConversionError(f"no {describe} {column.name!r} (declared in carrara.yaml); "
                                        f"the columns present are {[str(name) for name in present]}")
        values = data[column.name]
        name = f"{describe} {column.name!r}"
        if kind == "tensor":
            arrays.append(_tensor_to_arrow(values, column, rows, name))
        else:
            if len(values) != rows:
                raise ColumnConversionError(f"{name} has {len(values)} rows, expected {rows} (one per input row)")
            arrays.append(_to_arrow(values, DATAFRAME_ARROW_TYPES[column.type], column.type, name, lambda index: index))
    return pyarrow.RecordBatch.from_arrays(arrays, schema=arrow_schema(kind, columns))


def _tensor_to_arrow(values: Any, column: ColumnSpec, rows: int, name: str) -> pyarrow.Array:
    if isinstance(values, pandas.Series):
        values = values.tolist()
    try:
        array = numpy.asarray(values)
    except ValueError as error:
        raise ColumnConversionError(f"{name} is not a rectangular array: {error}") from None
    if array.dtype.kind == "S":
        array = numpy.char.decode(array, "utf-8").astype(object)
    if array.ndim == 0 or array.shape[0] != rows:
        raise ColumnConversionError(f"{name} has shape {list(array.shape)}; its first dimension must be {rows}, one per input row")
    per_row = column.values_per_row
    if array.size != rows * per_row:
        raise ColumnConversionError(f"{name} has shape {list(array.shape)}, which does not fit the declared shape "
                                    f"{list(column.dims)} ({per_row} value(s) a row)")
    flat = array.reshape(rows * per_row)
    element = TENSOR_ELEMENT_ARROW_TYPES[column.type]
    values_array = _to_arrow(flat, element, column.type, name, lambda index: index // per_row)
    if len(column.dims) == 1:
        return values_array
    offsets = pyarrow.array(numpy.arange(0, rows * per_row + 1, per_row, dtype=numpy.int32))
    return pyarrow.ListArray.from_arrays(offsets, values_array)


def _to_arrow(values: Any, target: pyarrow.DataType, declared: str, name: str,
              row_of: Callable[[int], int]) -> pyarrow.Array:
    # Pandas marks a missing number as NaN; in a float column NaN is a value (NaN equals NaN in
    # validation), elsewhere it is the pandas way of saying null.
    from_pandas = not _holds_floats(target)
    if isinstance(values, (list, tuple)):
        # pyarrow converts a Python list of floats to an integer type by truncating 1.5 to 1 without
        # a word, while from pandas and numpy it refuses; go through pandas so every source gets the
        # same safe conversion.
        values = pandas.Series(values, dtype=object if pyarrow.types.is_list(target) else None)
    try:
        return pyarrow.array(values, type=target, from_pandas=from_pandas)
    except _CONVERSION_ERRORS as whole_error:
        # Find the first row that fails, converting it in the same container so the rule is the same.
        for index in range(len(values)):
            single = values.iloc[index:index + 1] if isinstance(values, pandas.Series) else values[index:index + 1]
            try:
                pyarrow.array(single, type=target, from_pandas=from_pandas)
            except _CONVERSION_ERRORS as error:
                value = single.iloc[0] if isinstance(single, pandas.Series) else single[0]
                raise ColumnConversionError(f"{name} row {row_of(index)}: {_short(value)} ({type(value).__name__}) "
                                            f"cannot be converted to {declared}: {error}") from None
        raise ColumnConversionError(f"{name} cannot be converted to {declared}: {whole_error}") from None


def _holds_floats(target: pyarrow.DataType) -> bool:
    if pyarrow.types.is_list(target):
        return _holds_floats(target.value_type)
    return pyarrow.types.is_floating(target)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def dataframe_rows(result: Any, rows: int) -> None:
    """Checks a dataframe model's answer is a DataFrame of one row per input row."""
    if not isinstance(result, pandas.DataFrame):
        raise ColumnConversionError(f"predict returned {type(result).__module__}.{type(result).__qualname__}, "
                                    "not a pandas.DataFrame")
    if len(result) != rows:
        raise ColumnConversionError(f"predict returned {len(result)} rows for {rows} input rows; return one row per input row")


def tensor_mapping(result: Any) -> Dict[str, Any]:
    """Checks a tensor model's answer is a dict of arrays."""
    if not isinstance(result, Mapping):
        raise ColumnConversionError(f"predict returned {type(result).__module__}.{type(result).__qualname__}, "
                                    "not a dict of numpy arrays")
    return dict(result)

