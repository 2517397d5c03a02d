"""python -m carrara validate, in a real process, on working and broken model homes."""
from __future__ import annotations

import json
import pickle

import numpy
import pytest

from conftest import INPUT_XS, LOGISTIC_RAISE_LINE, logistic, run_validate

import carrara


def test_dataframe_model_validates(make_home):
    result = run_validate(make_home())
    assert result.returncode == 0, result.stderr
    assert "5 rows, OK" in result.stdout


def test_json_report(make_home):
    result = run_validate(make_home(), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["rows"] == 5
    assert report["differences"] == []


def test_scikit_learn_model_validates(make_home, tmp_path):
    from sklearn.linear_model import LogisticRegression

    rng = numpy.random.default_rng(7)
    features = rng.normal(size=(60, 2))
    labels = (features[:, 0] + features[:, 1] > 0).astype(int)
    classifier = LogisticRegression().fit(features, labels)
    rows = rng.normal(size=(8, 2))
    config = make_home(name="unused").joinpath("carrara.yaml").read_text().replace(
        "  - name: label\n    type: string\n", "  - name: y\n    type: double\n")
    model = """\
        import pickle
        import pandas
        import carrara

        class Classifier(carrara.DataFrameModel):
            def __init__(self, home):
                with open(home / "artifacts" / "model.pickle", "rb") as file:
                    self.classifier = pickle.load(file)

            def predict(self, df):
                return pandas.DataFrame({"probability": self.classifier.predict_proba(df.to_numpy())[:, 1]})
        """
    home = make_home(name="sklearn", model=model, config=config,
                     inputs=[{"x": float(x), "y": float(y)} for x, y in rows],
                     expected=[{"probability": float(p)} for p in classifier.predict_proba(rows)[:, 1]],
                     extra_files={"artifacts/model.pickle": pickle.dumps(classifier)})
    result = run_validate(home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tensor_model_validates(tensor_home):
    result = run_validate(tensor_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 rows, OK" in result.stdout


def test_csv_input(make_home):
    home = make_home()
    (home / "validation" / "input.jsonl").unlink()
    (home / "validation" / "input.csv").write_text("x,label\n" + "".join(f"{x},a\n" for x in INPUT_XS))
    result = run_validate(home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_in_process_api(make_home):
    report = carrara.validate(make_home())
    assert report.ok and report.rows == 5
    assert json.loads(report.to_json())["ok"] is True


# ------------------------------------------------------------------ the model cannot load: exit 3

@pytest.mark.parametrize("model, expected", [
    ("import carrara\n\nclass Broken(carrara.DataFrameModel:\n    pass\n", ["syntax error", "model.py:3"]),
    ("import carrara\nimport no_such_package_anywhere\n", ["model.py:2", "no_such_package_anywhere", "requirements.txt"]),
    ("import carrara\n\nclass NotAModel:\n    pass\n", ["defines no class deriving from carrara.DataFrameModel"]),
    ("import carrara\n\nclass First(carrara.DataFrameModel):\n    def predict(self, df):\n        return df\n\n"
     "class Second(carrara.DataFrameModel):\n    def predict(self, df):\n        return df\n",
     ["2 model classes", "First (model.py:3)", "Second (model.py:7)"]),
    ("import carrara\n\nclass Tensors(carrara.TensorModel):\n    def predict(self, inputs):\n        return inputs\n",
     ["Tensors derives from carrara.TensorModel but carrara.yaml declares kind: dataframe"]),
    ("import carrara\n\nclass Failing(carrara.DataFrameModel):\n    def __init__(self, home):\n"
     "        raise FileNotFoundError('artifacts/model.joblib')\n\n    def predict(self, df):\n        return df\n",
     ["Failing.load(home) raised FileNotFoundError at model.py:5", "artifacts/model.joblib"]),
], ids=["syntax-error", "import-error", "no-model-class", "two-classes", "wrong-kind", "constructor-raises"])
def test_model_that_cannot_load_exits_3(make_home, model, expected):
    result = run_validate(make_home(model=model))
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout == ""
    for text in expected:
        assert text in result.stderr


@pytest.mark.parametrize("change, expected", [
    (lambda config: config + "tolerence:\n  absolute: 0.1\n", ["tolerence", "unknown key"]),
    (lambda config: config.replace("type: double", "type: dbl", 1), ["inputs[0].type", "'dbl'", "array<string>"]),
    (lambda config: config.replace('python: "', "python: ").replace('"\ninputs', "\ninputs"), ["python", "quoted"]),
    (lambda config: config.replace("formatVersion: 1", "formatVersion: 2"), ["formatVersion"]),
], ids=["unknown-key", "bad-type", "unquoted-python", "format-version"])
def test_bad_carrara_yaml_exits_3(make_home, change, expected):
    home = make_home()
    config_file = home / "carrara.yaml"
    config_file.write_text(change(config_file.read_text()))
    result = run_validate(home)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "carrara.yaml" in result.stderr
    for text in expected:
        assert text in result.stderr


def test_missing_expected_file_exits_3(make_home):
    home = make_home()
    (home / "validation" / "expected.jsonl").unlink()
    result = run_validate(home)
    assert result.returncode == 3
    assert "expected.jsonl" in result.stderr


def test_unpinned_requirement_is_a_warning(make_home):
    result = run_validate(make_home(requirements="numpy==2.0.0\npandas>=2\n# a comment\n"))
    assert result.returncode == 0, result.stderr
    assert "requirements.txt line 2: pandas is not pinned with ==" in result.stdout
    assert "numpy" not in result.stdout


# ------------------------------------------------------------------ the model answers wrongly: exit 4

def test_predict_raising_exits_4(make_home):
    inputs = [{"x": x, "label": "a"} for x in INPUT_XS + [101.0]]
    expected = [{"probability": logistic(x)} for x in INPUT_XS + [101.0]]
    result = run_validate(make_home(inputs=inputs, expected=expected))
    assert result.returncode == 4
    assert f"INVALID_ARGUMENT: predict raised ValueError at model.py:{LOGISTIC_RAISE_LINE}: x above 100" in result.stdout


@pytest.mark.parametrize("answer, expected", [
    ('pandas.DataFrame({"probability": [0.5] * (len(df) + 1)})', ["6 rows for 5 input rows"]),
    ('pandas.DataFrame({"prob": [0.5] * len(df)})', ["no output column 'probability'", "'prob'"]),
    ('pandas.DataFrame({"probability": [0.5] * (len(df) - 1) + ["high"]})', ["output column 'probability' row 4", "'high'", "double"]),
    ('[0.5] * len(df)', ["not a pandas.DataFrame"]),
], ids=["wrong-row-count", "missing-column", "wrong-type", "not-a-dataframe"])
def test_answer_outside_the_contract_exits_4(make_home, answer, expected):
    model = ("import pandas\nimport carrara\n\nclass Answer(carrara.DataFrameModel):\n"
             f"    def predict(self, df):\n        return {answer}\n")
    result = run_validate(make_home(model=model))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "FAILED_PRECONDITION: Answer.predict (model.py:5) answered outside the contract" in result.stdout
    for text in expected:
        assert text in result.stdout


def test_differing_outputs_exit_4_naming_column_and_difference(make_home):
    expected = [{"probability": logistic(x)} for x in INPUT_XS]
    expected[2]["probability"] += 0.25
    result = run_validate(make_home(expected=expected), "--json")
    assert result.returncode == 4
    report = json.loads(result.stdout)
    assert report["ok"] is False
    [difference] = report["differences"]
    assert difference["column"] == "probability"
    assert difference["differingRows"] == 1
    assert difference["maxAbsoluteDifference"] == pytest.approx(0.25)
    assert difference["examples"] == [{"row": 2, "expected": 0.75, "actual": 0.5}]

    table = run_validate(make_home(name="again", expected=expected))
    assert "probability" in table.stdout and "0.25" in table.stdout and "DIFFERS" in table.stdout


def test_tolerance_admits_small_differences(make_home):
    expected = [{"probability": logistic(x) + 1e-12} for x in INPUT_XS]
    assert run_validate(make_home(expected=expected)).returncode == 0


# ------------------------------------------------------------------ arguments

def test_help_and_bad_arguments(make_home):
    import subprocess, sys
    from conftest import carrara_environment
    help_result = subprocess.run([sys.executable, "-m", "carrara", "--help"], env=carrara_environment(),
                                 capture_output=True, text=True)
    assert help_result.returncode == 0 and "validate" in help_result.stdout
    bad = subprocess.run([sys.executable, "-m", "carrara", "validate"], env=carrara_environment(),
                         capture_output=True, text=True)
    assert bad.returncode == 2
    missing = run_validate(make_home().parent / "nowhere")
    assert missing.returncode == 3 and "no such folder" in missing.stderr


def test_parquet_input(make_home):
    import pyarrow
    import pyarrow.parquet

    home = make_home()
    (home / "validation" / "input.jsonl").unlink()
    pyarrow.parquet.write_table(pyarrow.table({"x": INPUT_XS, "label": ["a"] * len(INPUT_XS)}),
                                home / "validation" / "input.parquet")
    result = run_validate(home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_imports_its_siblings(make_home):
    model = ("import carrara\nfrom features import scale\n\nclass Scaled(carrara.DataFrameModel):\n"
             "    def predict(self, df):\n        return scale(df)\n")
    sibling = ("import numpy, pandas\n\ndef scale(df):\n"
               "    return pandas.DataFrame({'probability': 1 / (1 + numpy.exp(-df['x'].to_numpy()))})\n")
    result = run_validate(make_home(model=model, extra_files={"features.py": sibling}))
    assert result.returncode == 0, result.stdout + result.stderr


def test_validation_input_that_does_not_fit_its_type_exits_3(make_home):
    home = make_home()
    config_file = home / "carrara.yaml"
    config_file.write_text(config_file.read_text().replace("type: double", "type: int", 1))
    result = run_validate(home)
    assert result.returncode == 3, result.stdout + result.stderr
    # -0.5 must not be truncated to 0 silently
    assert "input.jsonl column 'x' row 1" in result.stderr and "truncated" in result.stderr
