"""`PythonModel`: a Python model's home folder (carrara.yaml, model.py, requirements.txt, validation/),
read and checked by the model runtime's own reader, validated in this interpreter, and uploaded with
`Client.upload` as an instance of format `python`.

```python
model = carrara.PythonModel.from_home("breast_cancer/")
model.validate()            # shows pass/fail and the differing cells in Jupyter
inst = c.upload(model, "oncology/breast_cancer", meta={"trainingRows": 455})
```
"""
from __future__ import annotations

import html
import importlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from carrara.errors import ModelHomeError
from carrara.sdk._core import InvalidInputError, html_table

# The registry's bound on one metadata value (FieldChecks.MAX_METADATA_VALUE on the server).
MAX_METADATA_VALUE = 512

# The metadata keys a python upload sets, as the Java CLI's PythonUpload does.
VALIDATION_KEY = "python.validation"
VALIDATION_SKIPPED = "skipped"
KIND_KEY = "python.kind"
VERSION_KEY = "python.version"
ENVIRONMENT_KEY = "python.environment"
INPUT_SCHEMA_KEY = "inputSchema"


class ModelHomeInvalidError(InvalidInputError, ModelHomeError):
    """The model home folder breaks the contract (docs/python-models.md): code `MODEL_HOME_INVALID`,
    the message names the file, the field and the fix. Also a `carrara.ModelHomeError`."""


class ValidationFailedError(InvalidInputError):
    """A python model's answers on validation/ differ from validation/expected.jsonl (or predict
    failed on them), so it was not uploaded: code `VALIDATION_FAILED`, field `validation`;
    `result` is the `ValidationResult` and `differences` its DataFrame of differing cells."""

    def __init__(self, message: str, result: ValidationResult):
        super().__init__(message, code="VALIDATION_FAILED", field="validation")
        self.result = result

    @property
    def differences(self) -> Any:
        """The differing cells: a pandas DataFrame with columns row, column, expected, actual."""
        return self.result.differences


@dataclass(frozen=True)
class ColumnDifferenceSummary:
    """One output column that differs: how many rows, and the largest absolute difference (numbers)."""

    column: str
    differing_rows: int
    max_absolute_difference: Optional[float]


@dataclass
class ValidationResult:
    """What `PythonModel.validate()` found: `ok`, the number of validation `rows`, `report` (the same
    text `python -m carrara validate` prints), `error` when predict failed on the rows, `warnings`,
    `columns` (a summary per differing output column) and `cells`, every differing cell as
    (row, column, expected, actual) with `row` counted from 0 in validation/'s order."""

    home: Path
    ok: bool
    rows: int
    report: str
    error: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    columns: List[ColumnDifferenceSummary] = field(default_factory=list)
    cells: List[Tuple[int, str, Any, Any]] = field(default_factory=list)

    @property
    def differences(self) -> Any:
        """Every differing cell as a pandas DataFrame: one row per cell, columns row, column, expected,
        actual (empty when validation passed)."""
        from carrara.sdk._core import require_pandas
        pandas = require_pandas("differences")
        return pandas.DataFrame([{"row": row, "column": column, "expected": expected, "actual": actual}
                                 for row, column, expected, actual in self.cells],
                                columns=["row", "column", "expected", "actual"])

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.report

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        verdict = "passed" if self.ok else "failed"
        parts = [f"<div><b style='color:{colour}'>validation {verdict}</b> on {self.rows} rows of "
                 f"{html.escape(str(self.home))}</div>"]
        parts.extend(f"<div>warning: {html.escape(warning)}</div>" for warning in self.warnings)
        if self.error:
            parts.append(f"<div>predict failed on the validation rows: {html.escape(self.error)}</div>")
        if self.cells:
            parts.append(html_table([{"row": row, "column": column, "expected": expected, "actual": actual}
                                     for row, column, expected, actual in self.cells],
                                    ["row", "column", "expected", "actual"]))
        return "".join(parts)


class PythonModel:
    """A Python model's home folder, read and checked with the model runtime's reader: `path`, `kind`
    (`dataframe` or `tensor`), `python` (the major.minor carrara.yaml asks for), `inputs` and `outputs`
    (name, type, shape), `tolerance` and `warnings`. Make one with `PythonModel.from_home(path)`;
    upload it with `Client.upload(model, "project/model")`."""

    def __init__(self, home: Any):
        self._home = home

    @classmethod
    def from_home(cls, path: Union[str, Path]) -> PythonModel:
        """Reads and checks the home folder at `path` (carrara.yaml, model.py, requirements.txt,
        validation/). Does not import model.py or need pandas. Raises `ModelHomeInvalidError` (code
        `MODEL_HOME_INVALID`, also a `carrara.ModelHomeError`) naming the file, the field and the fix."""
        from carrara.home import read_home
        try:
            return cls(read_home(path))
        except ModelHomeError as error:
            raise ModelHomeInvalidError(str(error), code="MODEL_HOME_INVALID", field="home") from None

    @property
    def path(self) -> Path:
        """The home folder, absolute."""
        return Path(self._home.path)

    @property
    def kind(self) -> str:
        """`dataframe` (predict takes a pandas DataFrame) or `tensor` (a dict of numpy arrays)."""
        return str(self._home.kind)

    @property
    def python(self) -> str:
        """The interpreter's major.minor that carrara.yaml asks for, e.g. "3.11"."""
        return str(self._home.python)

    @property
    def inputs(self) -> List[Any]:
        """The declared inputs: objects with `name`, `type` and (tensors) `shape`."""
        return list(self._home.inputs)

    @property
    def outputs(self) -> List[Any]:
        """The declared outputs: objects with `name`, `type` and (tensors) `shape`."""
        return list(self._home.outputs)

    @property
    def tolerance(self) -> Any:
        """How far a number may be from the expected one: `absolute` and `relative`."""
        return self._home.tolerance

    @property
    def warnings(self) -> List[str]:
        """What the reader noticed but accepts (an unpinned requirement, another Python version here)."""
        return list(self._home.warnings)

    @property
    def input_schema(self) -> str:
        """The inputs as the server's schema text (`name double, city string`), as the Java CLI
        records it in the instance's `inputSchema` metadata."""
        return ", ".join(f"{column.name} {_schema_type(self.kind, column)}" for column in self._home.inputs)

    def validate(self) -> ValidationResult:
        """Loads the model and runs validation/'s rows through the serving path in *this* interpreter
        (the notebook's environment and packages, not the environment the server builds from
        requirements.txt), comparing the answers with validation/expected.jsonl within the tolerance.
        Needs pandas and pyarrow. Returns a `ValidationResult` (falsy when it failed); raises
        `ModelHomeInvalidError` when the model cannot load or the validation files are wrong."""
        try:
            return _run_validation(self._home.path)
        except ModelHomeError as error:
            raise ModelHomeInvalidError(str(error), code="MODEL_HOME_INVALID", field="home") from None

    def upload_metadata(self, meta: Optional[Dict[str, str]] = None, *, skip_validation: bool = False) -> Dict[str, str]:
        """The metadata an upload records, as the Java CLI (`instance upload --format python`) does:
        `meta`, plus `python.validation` (`passed (N rows)` after validating here, or `skipped`),
        `python.kind`, `python.version` and `inputSchema` (from carrara.yaml, when it fits the
        registry's 512 characters). Values in `meta` win except `python.validation`; `inputSchema`
        may not be given. `python.environment` (the server's environment hash) is not computed here.
        Raises `ValidationFailedError` with the differences when validation fails."""
        metadata = dict(meta or {})
        if INPUT_SCHEMA_KEY in metadata:
            raise InvalidInputError("a python model's inputSchema comes from the inputs of its carrara.yaml; drop "
                                    "inputSchema from meta", code="INVALID_ARGUMENT", field="meta")
        if skip_validation:
            metadata[VALIDATION_KEY] = VALIDATION_SKIPPED
        else:
            result = self.validate()
            if not result.ok:
                raise ValidationFailedError(
                    f"the model's answers differ from validation/expected.jsonl; fix the model or its expected rows, "
                    f"or upload with skip_validation=True\n{result.report}", result)
            metadata[VALIDATION_KEY] = f"passed ({result.rows} rows)"
        schema = self.input_schema
        if len(schema) <= MAX_METADATA_VALUE:
            metadata[INPUT_SCHEMA_KEY] = schema
        metadata.setdefault(KIND_KEY, self.kind)
        metadata.setdefault(VERSION_KEY, self.python)
        return metadata

    def __repr__(self) -> str:
        return f"PythonModel(path={str(self.path)!r}, kind={self.kind!r}, python={self.python!r})"

    def _repr_html_(self) -> str:
        rows = [{"direction": direction, "name": column.name, "type": column.type,
                 "shape": "" if column.shape is None else str(list(column.shape))}
                for direction, columns in (("input", self.inputs), ("output", self.outputs)) for column in columns]
        warnings = "".join(f"<div>warning: {html.escape(w)}</div>" for w in self.warnings)
        return (f"<div><b>python model</b> {html.escape(str(self.path))}: kind {html.escape(self.kind)}, python "
                f"{html.escape(self.python)}, tolerance absolute {self.tolerance.absolute} relative "
                f"{self.tolerance.relative}</div>{warnings}" + html_table(rows, ["direction", "name", "type", "shape"]))


def _schema_type(kind: str, column: Any) -> str:
    # The Java ModelHome.inputSchema(): dataframe types map one to one; a tensor is one column, a scalar
    # for shape [-1], else an array of its row's values flattened.
    if kind == "dataframe":
        return str(column.type)
    scalar = column.shape is not None and len(column.shape) == 1
    if column.type == "BYTES":
        return "string" if scalar else "array<string>"
    if column.type == "BOOL":
        return "boolean" if scalar else "array<double>"
    return "double" if scalar else "array<double>"


def _run_validation(home_path: Path) -> ValidationResult:
    # The worker's loader is made for a process that serves one model: it puts the home on sys.path for
    # good and leaves model.py (as module `model`) and the siblings it imports (features.py, a vendored
    # package) in sys.modules. In a notebook that lives on, a second validation (another model, or this
    # one after editing a sibling) would then run the cached modules. So every run starts from, and
    # goes back to, the interpreter's own sys.path and modules. Packages installed in the environment
    # (numpy, scikit-learn, torch) that model.py imported first stay loaded: they are not the model's
    # code, and some of them (numpy, torch) break when imported a second time in one process.
    from carrara import codec, validation
    from carrara.errors import PredictionError
    from carrara.loading import MODEL_MODULE_NAME, load_model
    from carrara.prediction import Predictor

    home_root = os.path.realpath(home_path)
    path_before = list(sys.path)
    modules_before = dict(sys.modules)
    bytecode_before = sys.dont_write_bytecode
    # Nor does validating write __pycache__ into the home, which the upload would then pack.
    sys.dont_write_bytecode = True
    importlib.invalidate_caches()  # a sibling module added or edited since the last run is read afresh
    try:
        return _validate_loaded(load_model(home_path), codec, validation, PredictionError, Predictor)
    finally:
        sys.dont_write_bytecode = bytecode_before
        sys.path[:] = path_before
        for name, module in list(sys.modules.items()):
            before = modules_before.get(name)
            if module is before:
                continue
            if name == MODEL_MODULE_NAME or _inside(module, home_root):
                if before is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = before


def _inside(module: Any, root: str) -> bool:
    """Whether a module was loaded from a file (or is a package, namespace ones too, with a folder)
    inside the folder `root`."""
    return any(location == root or location.startswith(root + os.sep) for location in _locations(module))


def _locations(module: Any) -> Iterator[str]:
    places: List[Any] = [getattr(module, "__file__", None)]
    try:
        places.extend(getattr(module, "__path__", None) or [])
    except TypeError:  # a __path__ that is not iterable
        pass
    for place in places:
        if isinstance(place, str) and place:
            try:
                yield os.path.realpath(place)
            except (OSError, ValueError):
                continue


def _validate_loaded(loaded: Any, codec: Any, validation: Any, PredictionError: Any, Predictor: Any) -> ValidationResult:
    # carrara.validation.run_validation keeps 5 example rows per column; this runs the same steps (the
    # same Predictor the worker serves with) and keeps every differing cell for the DataFrame.
    home = loaded.home
    inputs, rows = validation._read_inputs(home)
    expected = validation._read_expected(home, rows)
    request = codec.write_stream(validation._encode_validation_inputs(home, inputs, rows))
    report = validation.ValidationReport(home=str(home.path), ok=False, rows=rows, warnings=list(home.warnings))
    cells: List[Tuple[int, str, Any, Any]] = []
    try:
        response = Predictor(loaded).predict(request)
    except PredictionError as error:
        report.error = f"{error.status}: {error.message}"
    else:
        actual = codec.read_stream(response)
        for column in home.outputs:
            values = actual.column(column.name).to_pylist()
            difference = validation._compare_column(column.name, expected, values, home.tolerance)
            if difference.differing_rows:
                report.differences.append(difference)
                for row, (record, value) in enumerate(zip(expected, values)):
                    equal, _ = validation._compare(validation._flatten(record[column.name]), value, home.tolerance)
                    if not equal:
                        cells.append((row, column.name, record[column.name], value))
        report.ok = not report.differences
    cells.sort(key=lambda cell: cell[0])  # stable: within a row, the outputs in carrara.yaml order
    return ValidationResult(
        home=Path(home.path), ok=report.ok, rows=rows, report=str(report), error=report.error,
        warnings=list(home.warnings),
        columns=[ColumnDifferenceSummary(d.name, d.differing_rows, d.max_absolute_difference) for d in report.differences],
        cells=cells)
