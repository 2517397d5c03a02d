"""Model homes built in tmp_path, and helpers to run carrara as a real process."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy
import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
# The tests run against the source tree whether or not the package is installed.
sys.path.insert(0, str(SOURCE))


def carrara_environment() -> dict:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), environment.get("PYTHONPATH")]))
    return environment


def run_validate(home: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carrara", "validate", str(home), *arguments],
                          env=carrara_environment(), capture_output=True, text=True, timeout=60)


DATAFRAME_CONFIG = """\
formatVersion: 1
kind: dataframe
python: "{python}"
inputs:
  - name: x
    type: double
  - name: label
    type: string
outputs:
  - name: probability
    type: double
tolerance:
  absolute: 1.0e-9
  relative: 0.0
"""

# Line numbers matter: tests look for model.py:7 (the raise in predict).
LOGISTIC_MODEL = """\
import numpy, pandas
import carrara

class Logistic(carrara.DataFrameModel):
    def predict(self, df):
        if (df["x"] > 100).any():
            raise ValueError("x above 100 is out of the trained range")
        if (df["x"] == 50).any():
            return pandas.DataFrame({"probability": ["fifty"] * len(df)})
        return pandas.DataFrame({"probability": 1 / (1 + numpy.exp(-df["x"].to_numpy()))})
"""
LOGISTIC_RAISE_LINE = 7

INPUT_XS = [-2.0, -0.5, 0.0, 0.5, 3.0]


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class HomeBuilder:
    """Writes a model home; each argument left out takes the working logistic model's."""

    def __init__(self, root: Path):
        self.root = root
        self.python = "{}.{}".format(*sys.version_info[:2])

    def __call__(self, name="home", model=LOGISTIC_MODEL, config=None, inputs=None, expected=None,
                 requirements="numpy==2.0.0\npandas==2.2.0\n", extra_files=None) -> Path:
        home = self.root / name
        (home / "validation").mkdir(parents=True)
        (home / "artifacts").mkdir()
        (home / "model.py").write_text(textwrap.dedent(model))
        (home / "carrara.yaml").write_text(config if config is not None else DATAFRAME_CONFIG.format(python=self.python))
        (home / "requirements.txt").write_text(requirements)
        if inputs is None:
            inputs = [{"x": x, "label": "a"} for x in INPUT_XS]
        if expected is None:
            expected = [{"probability": logistic(x)} for x in INPUT_XS]
        write_jsonl(home / "validation" / "input.jsonl", inputs)
        write_jsonl(home / "validation" / "expected.jsonl", expected)
        for relative, content in (extra_files or {}).items():
            path = home / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        return home


def write_jsonl(path: Path, rows) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


@pytest.fixture
def make_home(tmp_path) -> HomeBuilder:
    return HomeBuilder(tmp_path)


TENSOR_CONFIG = """\
formatVersion: 1
kind: tensor
python: "{python}"
inputs:
  - name: features
    datatype: FP64
    shape: [-1, 3]
outputs:
  - name: scores
    datatype: FP64
    shape: [-1, 2]
  - name: total
    datatype: FP32
    shape: [-1]
  - name: best
    datatype: INT64
    shape: [-1]
tolerance:
  absolute: 1.0e-6
"""

TENSOR_MODEL = """\
import numpy
import carrara

class MatrixMultiply(carrara.TensorModel):
    def __init__(self, home):
        self.weights = numpy.load(home / "artifacts" / "weights.npy")

    def predict(self, inputs):
        scores = inputs["features"] @ self.weights
        return {"scores": scores, "total": scores.sum(axis=1).astype(numpy.float32), "best": scores.argmax(axis=1)}
"""

TENSOR_WEIGHTS = numpy.array([[1.0, -1.0], [0.5, 2.0], [-3.0, 0.25]])
TENSOR_FEATURES = [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0], [-1.0, 4.0, 0.5]]


@pytest.fixture
def tensor_home(make_home, tmp_path) -> Path:
    weights_file = tmp_path / "weights.npy"
    numpy.save(weights_file, TENSOR_WEIGHTS)
    scores = numpy.array(TENSOR_FEATURES) @ TENSOR_WEIGHTS
    expected = [{"scores": row.tolist(), "total": float(row.sum()), "best": int(row.argmax())} for row in scores]
    return make_home(name="tensor", model=TENSOR_MODEL, config=TENSOR_CONFIG.format(python=make_home.python),
                     inputs=[{"features": row} for row in TENSOR_FEATURES], expected=expected,
                     extra_files={"artifacts/weights.npy": weights_file.read_bytes()})
