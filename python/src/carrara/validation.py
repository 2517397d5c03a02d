"""Runs a home's validation/ rows through the serving path and compares the answers with
validation/expected.jsonl, so a passing validation proves what the worker will answer."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import pandas
import pyarrow
import pyarrow.parquet

from carrara import codec
from carrara.errors import ColumnConversionError, ModelHomeError, PredictionError
from carrara.home import ModelHome, Tolerance
from carrara.loading import LoadedModel, load_model
from carrara.prediction import Predictor

# Enough differing rows to see the pattern without drowning the log.
EXAMPLES_PER_COLUMN = 5


@dataclass
class RowDifference:
    row: int
    expected: Any
    actual: Any


@dataclass
class ColumnDifference:
    """One output column whose values differ from expected.jsonl beyond the tolerance."""

    name: str
    differing_rows: int = 0
    max_absolute_difference: Optional[float] = None
    examples: List[RowDifference] = field(default_factory=list)


@dataclass
class ValidationReport:
    """The outcome of validation: `ok`, the number of `rows`, the differing columns, and `error`
    when predict failed on the validation rows (then no column is compared)."""

    home: str
    ok: bool
    rows: int
    differences: List[ColumnDifference] = field(default_factory=list)
    error: Optional[str] = None
    warnings: List[str] = field(default_factory=list)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "home": self.home,
            "ok": self.ok,
            "rows": self.rows,
            "error": self.error,
            "differences": [
                {
                    "column": difference.name,
                    "differingRows": difference.differing_rows,
                    "maxAbsoluteDifference": _json_number(difference.max_absolute_difference),
                    "examples": [{"row": example.row, "expected": _json_value(example.expected),
                                  "actual": _json_value(example.actual)} for example in difference.examples],
                }
                for difference in self.differences
            ],
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: Optional[int] = None) -> str:
        """The report as one JSON object (non-finite numbers as the strings "NaN", "Infinity")."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def __str__(self) -> str:
        lines = [f"validation of {self.home}: {self.rows} rows, {'OK' if self.ok else 'DIFFERS'}"]
        for warning in self.warnings:
            lines.append(f"warning: {warning}")
        if self.error:
            lines.append(f"predict failed on the validation rows: {self.error}")
        if self.differences:
            name_width = max(len("column"), *(len(difference.name) for difference in self.differences))
            lines.append(f"{'column'.ljust(name_width)}  {'differing rows':>14}  {'max |difference|':>16}")
            for difference in self.differences:
                maximum = "-" if difference.max_absolute_difference is None else f"{difference.max_absolute_difference:.6g}"
                lines.append(f"{difference.name.ljust(name_width)}  {difference.differing_rows:>14}  {maximum:>16}")
                for example in difference.examples:
                    lines.append(f"  row {example.row}: expected {_short(example.expected)}, actual {_short(example.actual)}")
        return "\n".join(lines)


def validate(home) -> ValidationReport:
    """Loads the model in `home` and validates it. Raises ModelHomeError when it cannot load."""
    loaded = load_model(home)
    return run_validation(Predictor(loaded))


def run_validation(predictor: Predictor) -> ValidationReport:
    """Validates through `predictor`, the very object the worker serves with."""
    home = predictor.loaded.home
    inputs, rows = _read_inputs(home)
    expected = _read_expected(home, rows)
    request = codec.write_stream(_encode_validation_inputs(home, inputs, rows))
    report = ValidationReport(home=str(home.path), ok=False, rows=rows, warnings=list(home.warnings))
    try:
        response = predictor.predict(request)
    except PredictionError as error:
        report.error = f"{error.status}: {error.message}"
        return report
    actual = codec.read_stream(response)
    for column in home.outputs:
        difference = _compare_column(column.name, expected, actual.column(column.name).to_pylist(), home.tolerance)
        if difference.differing_rows:
            report.differences.append(difference)
    report.ok = not report.differences
    return report


def _read_inputs(home: ModelHome):
    path = home.validation_input
    names = [column.name for column in home.inputs]
    if path.suffix == ".jsonl":
        records = _read_jsonl(path)
        for number, record in enumerate(records, start=1):
            missing = [name for name in names if name not in record]
            if missing:
                raise ModelHomeError(f"{path} line {number}: no value for the declared input(s) {missing}; "
                                     "give every row every input")
        return {name: [record[name] for record in records] for name in names}, len(records)
    try:
        if path.suffix == ".csv":
            frame = pandas.read_csv(path)
        else:
            frame = pyarrow.parquet.read_table(path).to_pandas()
    except Exception as error:
        raise ModelHomeError(f"{path}: cannot be read: {error}") from None
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise ModelHomeError(f"{path}: no column for the declared input(s) {missing}; it holds {list(frame.columns)}")
    if home.kind == "tensor" and path.suffix == ".csv":
        # A CSV cell cannot hold a list, so a tensor row is written there as a JSON list.
        frame = frame.apply(lambda series: series.map(_json_list_cell))
    return {name: frame[name] for name in names}, len(frame)


def _json_list_cell(value):
    if isinstance(value, str) and value.lstrip().startswith("["):
        return json.loads(value)
    return value


def _encode_validation_inputs(home: ModelHome, inputs, rows: int) -> pyarrow.RecordBatch:
    try:
        return codec.encode_columns(home.kind, home.inputs, inputs, rows, f"{home.validation_input.name} column")
    except ColumnConversionError as error:
        raise ModelHomeError(f"{home.validation_input}: {error}; fix the row or the type declared in carrara.yaml") from None


def _read_expected(home: ModelHome, rows: int) -> List[dict]:
    path = home.validation_expected
    records = _read_jsonl(path)
    if len(records) != rows:
        raise ModelHomeError(f"{path}: {len(records)} rows but {home.validation_input.name} has {rows}; "
                             "write one expected row for every input row, line for line")
    for number, record in enumerate(records, start=1):
        missing = [column.name for column in home.outputs if column.name not in record]
        if missing:
            raise ModelHomeError(f"{path} line {number}: no value for the declared output(s) {missing}")
    return records


def _read_jsonl(path: Path) -> List[dict]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ModelHomeError(f"{path} line {number}: not JSON: {error}") from None
            if not isinstance(record, dict):
                raise ModelHomeError(f"{path} line {number}: holds {type(record).__name__}, not a JSON object of columns")
            records.append(record)
    return records


def _compare_column(name: str, expected: List[dict], actual: List[Any], tolerance: Tolerance) -> ColumnDifference:
    difference = ColumnDifference(name)
    for row, (expected_record, actual_value) in enumerate(zip(expected, actual)):
        expected_value = expected_record[name]
        equal, absolute = _compare(_flatten(expected_value), actual_value, tolerance)
        if absolute is not None and (difference.max_absolute_difference is None or absolute > difference.max_absolute_difference):
            difference.max_absolute_difference = absolute
        if not equal:
            difference.differing_rows += 1
            if len(difference.examples) < EXAMPLES_PER_COLUMN:
                difference.examples.append(RowDifference(row, expected_value, actual_value))
    return difference


def _flatten(value):
    # A tensor's expected row is nested like its shape; on the wire (and so in `actual`) it is flat.
    if isinstance(value, list) and any(isinstance(item, list) for item in value):
        flat: List[Any] = []
        for item in value:
            flat.extend(_flatten(item) if isinstance(item, list) else [item])
        return flat
    return value


def _compare(expected, actual, tolerance: Tolerance):
    """(equal, absolute difference or None when not numeric)."""
    if isinstance(expected, list) or isinstance(actual, list):
        if not (isinstance(expected, list) and isinstance(actual, list)) or len(expected) != len(actual):
            return False, None
        equal, largest = True, None
        for expected_item, actual_item in zip(expected, actual):
            item_equal, item_difference = _compare(expected_item, actual_item, tolerance)
            equal = equal and item_equal
            if item_difference is not None and (largest is None or item_difference > largest):
                largest = item_difference
        return equal, largest
    if expected is None or actual is None:
        return expected is None and actual is None, None
    if _is_number(expected) and _is_number(actual):
        expected_nan, actual_nan = math.isnan(expected), math.isnan(actual)
        if expected_nan or actual_nan:
            return expected_nan and actual_nan, None
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual, None
        return tolerance.allows(actual, expected), abs(actual - expected)
    return expected == actual, None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_number(value: Optional[float]):
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _json_value(value):
    if isinstance(value, float):
        return _json_number(value)
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _short(value) -> str:
    text = json.dumps(_json_value(value))
    return text if len(text) <= 120 else text[:117] + "..."
