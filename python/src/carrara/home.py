"""Reads and checks a model home folder: carrara.yaml, model.py, requirements.txt and validation/.

Everything a request needs is resolved here once, at load time, so serving does no name lookups
in the YAML and a broken home is refused before the worker listens.
"""
from __future__ import annotations

import math
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Tuple

import yaml

from carrara.errors import ModelHomeError

CONFIG_FILE = "carrara.yaml"
MODEL_FILE = "model.py"
REQUIREMENTS_FILE = "requirements.txt"
VALIDATION_INPUT_FILES = ("input.jsonl", "input.csv", "input.parquet")
VALIDATION_EXPECTED_FILE = "expected.jsonl"

KINDS = ("dataframe", "tensor")
DATAFRAME_TYPES = ("boolean", "int", "bigint", "float", "double", "string", "array<double>", "array<string>")
TENSOR_DATATYPES = ("BOOL", "INT32", "INT64", "FP32", "FP64", "BYTES")

_TOP_LEVEL_KEYS = ("formatVersion", "kind", "python", "inputs", "outputs", "tolerance")
_DATAFRAME_COLUMN_KEYS = ("name", "type")
_TENSOR_KEYS = ("name", "datatype", "shape")
_TOLERANCE_KEYS = ("absolute", "relative")
_SUPPORTED_FORMAT_VERSION = 1
_PYTHON_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
# A requirement's project name (PEP 508), optionally followed by extras.
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class ColumnSpec:
    """One declared input or output: a dataframe column (`type` one of DATAFRAME_TYPES, no shape) or
    a tensor (`type` one of TENSOR_DATATYPES, `shape` starting with -1)."""

    name: str
    type: str
    shape: Optional[Tuple[int, ...]] = None

    @property
    def dims(self) -> Tuple[int, ...]:
        """The tensor's declared shape; () for a dataframe column, which has none."""
        return self.shape or ()

    @property
    def values_per_row(self) -> int:
        return math.prod(self.shape[1:]) if self.shape else 1


@dataclass(frozen=True)
class Tolerance:
    """How far a number may be from the expected one: |actual - expected| <= absolute + relative * |expected|."""

    absolute: float = 0.0
    relative: float = 0.0

    def allows(self, actual: float, expected: float) -> bool:
        return abs(actual - expected) <= self.absolute + self.relative * abs(expected)


@dataclass(frozen=True)
class ModelHome:
    """A checked model home folder."""

    path: Path
    kind: str
    python: str
    inputs: Tuple[ColumnSpec, ...]
    outputs: Tuple[ColumnSpec, ...]
    tolerance: Tolerance
    validation_input: Path
    validation_expected: Path
    warnings: Tuple[str, ...]

    @property
    def model_file(self) -> Path:
        return self.path / MODEL_FILE


def read_home(home) -> ModelHome:
    """Reads and checks the home folder; raises ModelHomeError naming the file, the field and the fix."""
    path = Path(home).resolve()
    if not path.is_dir():
        raise ModelHomeError(f"{path}: no such folder; pass the model home folder (the one holding {CONFIG_FILE})")
    config = _read_config(path / CONFIG_FILE)
    warnings: List[str] = []

    _refuse_unknown_keys(config, _TOP_LEVEL_KEYS, "")
    format_version = _required(config, "formatVersion", "")
    if format_version != _SUPPORTED_FORMAT_VERSION or isinstance(format_version, bool):
        raise _config_error("formatVersion", f"is {format_version!r}; this carrara reads formatVersion 1",
                            "set formatVersion: 1 or use the carrara release that wrote this home")
    kind = _required(config, "kind", "")
    if kind not in KINDS:
        raise _config_error("kind", f"is {kind!r}", "use kind: dataframe or kind: tensor")
    python = _required(config, "python", "")
    if not isinstance(python, str) or not _PYTHON_VERSION.match(python):
        raise _config_error("python", f"is {python!r}, not a quoted major.minor version",
                            'write it quoted, like python: "3.11" (unquoted, YAML reads 3.10 as the number 3.1)')
    running = "{}.{}".format(*platform.python_version_tuple()[:2])
    if python != running:
        warnings.append(f"{CONFIG_FILE}: python is \"{python}\" but this interpreter is {platform.python_version()}; "
                        "results may differ from the environment the server builds")
    inputs = _read_columns(config, "inputs", kind)
    outputs = _read_columns(config, "outputs", kind)
    tolerance = _read_tolerance(config.get("tolerance"))

    if not (path / MODEL_FILE).is_file():
        raise ModelHomeError(f"{path / MODEL_FILE}: missing; write {MODEL_FILE} with one class deriving from "
                             f"carrara.{'DataFrameModel' if kind == 'dataframe' else 'TensorModel'}")
    warnings.extend(_check_requirements(path / REQUIREMENTS_FILE))
    validation_input, validation_expected = _find_validation_files(path)
    return ModelHome(path=path, kind=kind, python=python, inputs=inputs, outputs=outputs, tolerance=tolerance,
                     validation_input=validation_input, validation_expected=validation_expected,
                     warnings=tuple(warnings))


def _read_config(config_path: Path) -> dict:
    if not config_path.is_file():
        raise ModelHomeError(f"{config_path}: missing; every model home needs a {CONFIG_FILE} "
                             "(formatVersion, kind, python, inputs, outputs, tolerance)")
    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ModelHomeError(f"{config_path}: not valid YAML: {error}") from None
    except UnicodeDecodeError as error:
        raise ModelHomeError(f"{config_path}: not UTF-8 text: {error}") from None
    if not isinstance(config, dict):
        raise ModelHomeError(f"{config_path}: holds {type(config).__name__}, not a mapping of keys; "
                             "start from the example in docs/python-models.md")
    return config


def _config_error(field: str, problem: str, fix: str) -> ModelHomeError:
    return ModelHomeError(f"{CONFIG_FILE}: {field} {problem}; {fix}")


def _required(mapping: dict, key: str, prefix: str) -> Any:
    if key not in mapping or mapping[key] is None:
        raise _config_error(prefix + key, "is missing", "add it (see docs/python-models.md)")
    return mapping[key]


def _refuse_unknown_keys(mapping: dict, known: Tuple[str, ...], prefix: str) -> None:
    for key in mapping:
        if key not in known:
            where = prefix.rstrip(".") or "the top level"
            raise _config_error(f"{prefix}{key}", f"is an unknown key at {where}",
                                f"remove it or fix its spelling; the known keys are {', '.join(known)}")


def _read_columns(config: dict, section: str, kind: str) -> Tuple[ColumnSpec, ...]:
    entries = _required(config, section, "")
    if not isinstance(entries, list) or not entries:
        raise _config_error(section, "must be a non-empty list", f"list each {'column' if kind == 'dataframe' else 'tensor'} as - name: ...")
    columns = []
    seen = set()
    for index, entry in enumerate(entries):
        prefix = f"{section}[{index}]."
        if not isinstance(entry, dict):
            raise _config_error(f"{section}[{index}]", f"is {entry!r}, not a mapping", "write - name: NAME and its type")
        name = _required(entry, "name", prefix)
        if not isinstance(name, str) or not name:
            raise _config_error(prefix + "name", f"is {name!r}", "use a non-empty string")
        if name in seen:
            raise _config_error(prefix + "name", f"{name!r} is declared twice in {section}", "give each a distinct name")
        seen.add(name)
        if kind == "dataframe":
            _refuse_unknown_keys(entry, _DATAFRAME_COLUMN_KEYS, prefix)
            column_type = _required(entry, "type", prefix)
            if column_type not in DATAFRAME_TYPES:
                raise _config_error(prefix + "type", f"is {column_type!r} (column {name!r})",
                                    f"use one of {', '.join(DATAFRAME_TYPES)}")
            columns.append(ColumnSpec(name, column_type))
        else:
            _refuse_unknown_keys(entry, _TENSOR_KEYS, prefix)
            datatype = _required(entry, "datatype", prefix)
            if datatype not in TENSOR_DATATYPES:
                raise _config_error(prefix + "datatype", f"is {datatype!r} (tensor {name!r})",
                                    f"use one of {', '.join(TENSOR_DATATYPES)}")
            shape = _required(entry, "shape", prefix)
            valid_shape = (isinstance(shape, list) and shape and shape[0] == -1
                           and all(isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in shape[1:]))
            if not valid_shape:
                raise _config_error(prefix + "shape", f"is {shape!r} (tensor {name!r})",
                                    "use a list starting with -1 (the batch dimension) followed by positive sizes, like [-1, 4]")
            columns.append(ColumnSpec(name, datatype, tuple(shape)))
    return tuple(columns)


def _read_tolerance(tolerance: Any) -> Tolerance:
    if tolerance is None:
        return Tolerance()
    if not isinstance(tolerance, dict):
        raise _config_error("tolerance", f"is {tolerance!r}, not a mapping", "write absolute: and relative: under it")
    _refuse_unknown_keys(tolerance, _TOLERANCE_KEYS, "tolerance.")
    values = {}
    for key in _TOLERANCE_KEYS:
        value = tolerance.get(key, 0.0)
        # YAML 1.1 reads 1e-9 (no dot) as a string; accept it when it parses as a number.
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise _config_error(f"tolerance.{key}", f"is {value!r}", "use a non-negative number like 1.0e-9")
        values[key] = float(value)
    return Tolerance(**values)


def _check_requirements(requirements_path: Path) -> List[str]:
    if not requirements_path.is_file():
        raise ModelHomeError(f"{requirements_path}: missing; list the model's pip requirements pinned with == "
                             "(an empty file when it needs none beyond carrara's own)")
    warnings = []
    for number, raw_line in enumerate(requirements_path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw_line.split("#", 1)[0].strip()
        # Options (-r, --index-url, -e) are pip's business, not a package to pin.
        if not line or line.startswith("-"):
            continue
        if "==" not in line:
            match = _REQUIREMENT_NAME.match(line)
            package = match.group(1) if match else line
            warnings.append(f"{REQUIREMENTS_FILE} line {number}: {package} is not pinned with ==; "
                            f"pin it ({package}==VERSION) so every environment built from this home is the same")
    return warnings


def _find_validation_files(path: Path) -> Tuple[Path, Path]:
    validation = path / "validation"
    present = [validation / name for name in VALIDATION_INPUT_FILES if (validation / name).is_file()]
    if not present:
        raise ModelHomeError(f"{validation}: no input.jsonl, input.csv or input.parquet; add the validation rows "
                             "the model must answer (and their answers in expected.jsonl)")
    if len(present) > 1:
        raise ModelHomeError(f"{validation}: holds {', '.join(p.name for p in present)}; keep exactly one input file")
    expected = validation / VALIDATION_EXPECTED_FILE
    if not expected.is_file():
        raise ModelHomeError(f"{expected}: missing; write the declared outputs of each row of "
                             f"{present[0].name}, one JSON object a line")
    return present[0], expected
