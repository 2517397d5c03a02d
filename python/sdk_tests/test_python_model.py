"""`carrara.PythonModel` against a real server: reading a model home, validating it in this
interpreter, and uploading it as a `python` instance with the metadata the Java CLI records; a model
whose answers differ from validation/expected.jsonl is refused unless validation is skipped."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Dict

import pytest

import carrara
from carrara.sdk.python_model import ModelHomeInvalidError, ValidationFailedError, ValidationResult


@pytest.fixture(scope="module")
def trained_home(repository: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The breast-cancer example's home, trained here (scikit-learn in this interpreter)."""
    home = tmp_path_factory.mktemp("breast_cancer") / "home"
    example = repository / "examples" / "breast-cancer"
    shutil.copytree(example / "home", home)
    subprocess.run([sys.executable, str(example / "train.py"), "--data", str(example / "breast_cancer.csv"),
                    "--home", str(home)], check=True, capture_output=True)
    return home


@pytest.fixture
def broken_home(trained_home: Path, tmp_path: Path) -> Path:
    """The trained home with rows 3 and 7 of expected.jsonl altered, so validation fails on 3 cells."""
    home = tmp_path / "broken"
    shutil.copytree(trained_home, home)
    expected = home / "validation" / "expected.jsonl"
    rows = [json.loads(line) for line in expected.read_text().splitlines()]
    rows[3]["probability_malignant"] += 0.25
    rows[7]["probability_malignant"] = 0.5 if rows[7]["probability_malignant"] != 0.5 else 0.75
    rows[7]["predicted_diagnosis"] = "unknown"
    expected.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return home


@pytest.fixture
def model(client: carrara.Client, unique: Callable[[str], str]) -> str:
    project = client.create_project(unique("pym")).name
    return client.create_model(f"{project}/breast_cancer").full_name


def _tiny_home(root: Path, python: str = "3.11") -> Path:
    """A two-input model answering y = 2 * x, with three validation rows."""
    home = root / "tiny"
    (home / "validation").mkdir(parents=True)
    (home / "carrara.yaml").write_text(textwrap.dedent(f"""\
        formatVersion: 1
        kind: dataframe
        python: "{python}"
        inputs:
          - {{name: x, type: double}}
          - {{name: city, type: string}}
        outputs:
          - {{name: y, type: double}}
        tolerance: {{absolute: 1.0e-9, relative: 0.0}}
        """))
    (home / "model.py").write_text(textwrap.dedent(f"""\
        import carrara
        import pandas as pd


        class Scaled(carrara.DataFrameModel):
            def predict(self, df):
                if (df["city"] == "boom").any():
                    raise ValueError("no model for boom")
                return pd.DataFrame({{"y": df["x"] * 2}})
        """))
    (home / "requirements.txt").write_text("pandas==2.3.3\n")
    (home / "validation" / "input.jsonl").write_text(
        "".join(json.dumps({"x": x, "city": "nyc"}) + "\n" for x in (1.0, 2.5, -4.0)))
    (home / "validation" / "expected.jsonl").write_text(
        "".join(json.dumps({"y": 2 * x}) + "\n" for x in (1.0, 2.5, -4.0)))
    return home


def _files(root: Path) -> Dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


# ---------------------------------------------------------------- reading the home

def test_from_home_reads_the_contract(tmp_path: Path) -> None:
    home = _tiny_home(tmp_path)
    model = carrara.PythonModel.from_home(str(home))
    assert model.path == home.resolve()
    assert (model.kind, model.python) == ("dataframe", "3.11")
    assert [(c.name, c.type) for c in model.inputs] == [("x", "double"), ("city", "string")]
    assert [(c.name, c.type) for c in model.outputs] == [("y", "double")]
    assert (model.tolerance.absolute, model.tolerance.relative) == (1.0e-9, 0.0)
    assert model.warnings == []
    assert model.input_schema == "x double, city string"
    assert "kind='dataframe'" in repr(model)
    assert "city" in model._repr_html_() and "tolerance" in model._repr_html_()

    other = _tiny_home(tmp_path / "old", python="3.9")
    assert any("3.9" in warning for warning in carrara.PythonModel.from_home(other).warnings)


def test_tensor_input_schema_follows_the_server(tmp_path: Path) -> None:
    home = _tiny_home(tmp_path)
    (home / "carrara.yaml").write_text(textwrap.dedent("""\
        formatVersion: 1
        kind: tensor
        python: "3.11"
        inputs:
          - {name: pixels, datatype: FP32, shape: [-1, 2, 2]}
          - {name: label, datatype: BYTES, shape: [-1]}
          - {name: flags, datatype: BOOL, shape: [-1, 3]}
          - {name: scale, datatype: INT64, shape: [-1]}
        outputs:
          - {name: score, datatype: FP64, shape: [-1]}
        """))
    model = carrara.PythonModel.from_home(home)
    assert model.kind == "tensor"
    assert model.input_schema == "pixels array<double>, label string, flags array<double>, scale double"


def test_from_home_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelHomeInvalidError) as missing:
        carrara.PythonModel.from_home(tmp_path / "absent")
    assert (missing.value.code, missing.value.field) == ("MODEL_HOME_INVALID", "home")
    assert isinstance(missing.value, carrara.InvalidInputError) and isinstance(missing.value, carrara.ModelHomeError)
    home = _tiny_home(tmp_path)
    (home / "carrara.yaml").write_text((home / "carrara.yaml").read_text().replace('"3.11"', "3.10"))
    with pytest.raises(carrara.ModelHomeError, match="python"):
        carrara.PythonModel.from_home(home)
    (home / "carrara.yaml").write_text((home / "carrara.yaml").read_text().replace("3.10", '"3.11"'))
    (home / "requirements.txt").unlink()
    with pytest.raises(ModelHomeInvalidError, match="requirements.txt"):
        carrara.PythonModel.from_home(home)


# ---------------------------------------------------------------- validating

def test_validate_passes(trained_home: Path) -> None:
    result = carrara.PythonModel.from_home(trained_home).validate()
    assert isinstance(result, ValidationResult)
    assert result.ok and bool(result) and result.rows == 20 and result.error is None
    assert result.report.endswith("20 rows, OK")
    assert list(result.differences.columns) == ["row", "column", "expected", "actual"]
    assert result.differences.empty
    assert "validation passed" in result._repr_html_()


def test_validate_shows_every_differing_cell(broken_home: Path) -> None:
    result = carrara.PythonModel.from_home(broken_home).validate()
    assert not result.ok and result.rows == 20
    differences = result.differences
    assert [(row.row, row.column) for row in differences.itertuples()] == [
        (3, "probability_malignant"), (7, "probability_malignant"), (7, "predicted_diagnosis")]
    assert differences.iloc[2]["expected"] == "unknown"
    assert differences.iloc[2]["actual"] in ("benign", "malignant")
    assert abs(differences.iloc[0]["expected"] - differences.iloc[0]["actual"] - 0.25) < 1e-9
    assert [(c.column, c.differing_rows) for c in result.columns] == [("probability_malignant", 2),
                                                                       ("predicted_diagnosis", 1)]
    assert "DIFFERS" in result.report and "row 7" in result.report
    html = result._repr_html_()
    assert "validation failed" in html and "unknown" in html


def test_validate_reports_predict_failures(tmp_path: Path) -> None:
    home = _tiny_home(tmp_path)
    (home / "validation" / "input.jsonl").write_text(json.dumps({"x": 1.0, "city": "boom"}) + "\n")
    (home / "validation" / "expected.jsonl").write_text(json.dumps({"y": 2.0}) + "\n")
    result = carrara.PythonModel.from_home(home).validate()
    assert not result.ok and result.error is not None and "no model for boom" in result.error
    (home / "model.py").write_text("this is not python\n")
    with pytest.raises(ModelHomeInvalidError) as unloadable:
        carrara.PythonModel.from_home(home).validate()
    assert "model.py" in unloadable.value.message


# ---------------------------------------------------------------- uploading

def test_upload_records_what_the_cli_records(client: carrara.Client, model: str, trained_home: Path,
                                             tmp_path: Path) -> None:
    python_model = carrara.PythonModel.from_home(trained_home)
    instance = client.upload(python_model, model, meta={"trainingRows": 455})
    assert (instance.format, instance.artifact.packaging) == ("python", "zip")
    # 30 inputs make an inputSchema over the registry's 512 characters: left out, as the CLI does.
    assert len(python_model.input_schema) > 512
    assert instance.metadata == {"trainingRows": "455", "python.validation": "passed (20 rows)",
                                 "python.kind": "dataframe", "python.version": "3.11"}
    assert "python.environment" not in instance.metadata
    found = client.search(f"project = '{model.split('/')[0]}' AND meta.python.validation LIKE 'passed%'")
    assert [i.id for i in found] == [instance.id]
    client.download(instance, tmp_path / "copy")
    assert _files(tmp_path / "copy") == _files(trained_home)


def test_failing_validation_refuses_the_upload(client: carrara.Client, model: str, broken_home: Path) -> None:
    broken = carrara.PythonModel.from_home(broken_home)
    with pytest.raises(ValidationFailedError) as refused:
        client.upload(broken, model)
    error = refused.value
    assert (error.code, error.field) == ("VALIDATION_FAILED", "validation")
    assert isinstance(error, carrara.InvalidInputError)
    assert len(error.differences) == 3 and not error.result.ok
    assert "skip_validation=True" in error.message
    assert client.instances(model) == []

    skipped = client.upload(broken, model, skip_validation=True)
    assert skipped.metadata["python.validation"] == "skipped"
    assert skipped.metadata["python.kind"] == "dataframe"
    # The same refusal for a home folder given by path.
    with pytest.raises(ValidationFailedError):
        client.upload(broken_home, model, format="python")
    assert [i.id for i in client.instances(model)] == [skipped.id]


def test_upload_by_path_and_metadata_rules(client: carrara.Client, model: str, tmp_path: Path) -> None:
    home = _tiny_home(tmp_path)
    instance = client.upload(home, model, {"python.version": "mine", "python.validation": "trust me"},
                             format="python")
    # As the CLI: the user's values win but for python.validation, which records what happened.
    assert instance.metadata == {"python.version": "mine", "python.validation": "passed (3 rows)",
                                 "python.kind": "dataframe", "inputSchema": "x double, city string"}
    with pytest.raises(carrara.InvalidInputError) as schema:
        client.upload(carrara.PythonModel.from_home(home), model, {"inputSchema": "x double"})
    assert schema.value.field == "meta"
    with pytest.raises(carrara.InvalidInputError) as wrong_format:
        client.upload(carrara.PythonModel.from_home(home), model, format="opaque")
    assert wrong_format.value.field == "format"
    with pytest.raises(carrara.InvalidInputError) as file_not_home:
        client.upload(home / "model.py", model, format="python")
    assert file_not_home.value.field == "path"
    with pytest.raises(ModelHomeInvalidError):
        client.upload(tmp_path, model, format="python")
    old = _tiny_home(tmp_path / "old", python="3.9")
    with pytest.warns(UserWarning, match="3.9"):
        warned = client.upload(carrara.PythonModel.from_home(old), model)
    assert warned.metadata["python.version"] == "3.9"


def test_upload_to_unknown_model_fails_before_validating(client: carrara.Client, model: str,
                                                         broken_home: Path) -> None:
    project = model.split("/")[0]
    with pytest.raises(carrara.NotFoundError) as missing:
        client.upload(carrara.PythonModel.from_home(broken_home), f"{project}/absent")
    assert (missing.value.status, missing.value.code) == (404, "NOT_FOUND")
    with pytest.raises(carrara.InvalidInputError) as bad_name:
        client.upload(carrara.PythonModel.from_home(broken_home), "no-project")
    assert bad_name.value.field == "model"


def test_failed_validation_with_create_model_creates_nothing(client: carrara.Client, broken_home: Path,
                                                             unique: Callable[[str], str]) -> None:
    project = unique("pyc")
    with pytest.raises(ValidationFailedError):
        client.upload(carrara.PythonModel.from_home(broken_home), f"{project}/never", create_model=True)
    with pytest.raises(carrara.NotFoundError):
        client.project(project)


# ---------------------------------------------------------------- validating again in one interpreter

def _home_with_sibling(root: Path, factor: float) -> Path:
    """The tiny model, with its factor in a sibling module features.py that model.py imports."""
    home = _tiny_home(root)
    (home / "features.py").write_text(f"FACTOR = {factor!r}\n")
    (home / "model.py").write_text(textwrap.dedent("""\
        import carrara
        import pandas as pd

        import features


        class Scaled(carrara.DataFrameModel):
            def predict(self, df):
                return pd.DataFrame({"y": df["x"] * features.FACTOR})
        """))
    return home


def test_validating_again_reads_edited_siblings(tmp_path: Path) -> None:
    path_before, modules_before = list(sys.path), set(sys.modules)
    home = _home_with_sibling(tmp_path, 2.0)
    first = carrara.PythonModel.from_home(home).validate()
    assert first.ok
    # Nothing of the model stays behind: its folder is off sys.path, model and features are unloaded.
    assert sys.path == path_before
    assert {"model", "features"}.isdisjoint(set(sys.modules) - modules_before)

    # Edit the sibling so the answers change: the new code runs, and fails validation.
    (home / "features.py").write_text("FACTOR = 3.0  # changed\n")
    second = carrara.PythonModel.from_home(home).validate()
    assert not second.ok
    assert [(row, column, actual) for row, column, _, actual in second.cells] == [
        (0, "y", 3.0), (1, "y", 7.5), (2, "y", -12.0)]

    # Another model with a sibling of the same name gets its own, not the first one's.
    other = _home_with_sibling(tmp_path / "other", 2.0)
    assert carrara.PythonModel.from_home(other).validate().ok
    assert sys.path == path_before
