"""The registry part of the SDK against a real server: projects, models, dependencies and lineage,
uploads and downloads (files and folders), deprecation, metrics, search and events, and the
deterministic, defensive model archive."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import uuid
import warnings
import zipfile
from pathlib import Path
from typing import Callable, Dict, Iterator

import pytest

import carrara
from carrara.sdk import archive
from carrara.sdk.registry import Instance, Lineage, Metric, Model, Project, RegistryList

GOLDEN_PIPELINE = Path("carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression/model")


@pytest.fixture
def project(client: carrara.Client, unique: Callable[[str], str]) -> str:
    return client.create_project(unique("reg"), "registry tests").name


@pytest.fixture
def model(client: carrara.Client, project: str) -> str:
    return client.create_model(f"{project}/scores", "what the tests upload").full_name


def _tree(root: Path) -> Dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _model_folder(root: Path) -> Path:
    folder = root / "model"
    (folder / "stages" / "0_scaler").mkdir(parents=True)
    (folder / "metadata").mkdir()
    (folder / "metadata" / "part-00000").write_text('{"class": "x"}\n')
    (folder / "stages" / "0_scaler" / "data.bin").write_bytes(os.urandom(5000))
    (folder / "README").write_text("a model folder\n")
    (folder / "empty").mkdir()
    return folder


# ---------------------------------------------------------------- projects

def test_project_create_get_list(client: carrara.Client, unique: Callable[[str], str]) -> None:
    name = unique("proj")
    created = client.create_project(name, "forecasts")
    assert isinstance(created, Project)
    assert (created.name, created.description, created.created_by) == (name, "forecasts", "sdk-tests")
    assert created.created_at is not None and created.created_at.tzinfo is not None
    assert client.project(name) == created
    listed = client.projects()
    assert name in [project.name for project in listed]
    frame = listed.to_pandas()
    assert {"name", "description", "created_at", "created_by"} <= set(frame.columns)
    assert name in listed._repr_html_()
    assert client.create_project(unique("bare")).description is None


def test_project_errors(client: carrara.Client, unique: Callable[[str], str]) -> None:
    name = unique("dup")
    client.create_project(name)
    with pytest.raises(carrara.ConflictError) as duplicate:
        client.create_project(name)
    assert (duplicate.value.status, duplicate.value.code) == (409, "ALREADY_EXISTS")
    with pytest.raises(carrara.InvalidInputError) as bad:
        client.create_project("no spaces allowed")
    assert (bad.value.status, bad.value.code, bad.value.field) == (400, "INVALID_ARGUMENT", "name")
    with pytest.raises(carrara.NotFoundError) as missing:
        client.project(unique("missing"))
    assert (missing.value.status, missing.value.code) == (404, "NOT_FOUND")
    with pytest.raises(carrara.InvalidInputError) as empty:
        client.project("")
    assert empty.value.field == "project"


# ---------------------------------------------------------------- models

def test_model_create_get_list(client: carrara.Client, project: str) -> None:
    created = client.create_model(f"{project}/churn", "who leaves", owner="alice", type="classifier",
                                  features=["tenure", "plan"], hyperparameters={"maxDepth": 5, "l2": 0.1},
                                  tags=["retention"])
    assert isinstance(created, Model)
    assert created.full_name == f"{project}/churn"
    assert (created.project, created.name, created.owner, created.type) == (project, "churn", "alice", "classifier")
    assert created.features == ["tenure", "plan"]
    assert created.hyperparameters == {"maxDepth": "5", "l2": "0.1"}
    assert created.tags == ["retention"]
    assert client.model(f"{project}/churn") == created
    successor = client.create_model(f"{project}/churn_v2", previous_model=f"{project}/churn")
    assert successor.previous_model == f"{project}/churn"
    assert client.model(f"{project}/churn").next_models == [f"{project}/churn_v2"]
    listed = client.models(project)
    assert [m.full_name for m in listed] == [f"{project}/churn", f"{project}/churn_v2"]
    frame = listed.to_pandas()
    assert list(frame["full_name"]) == [f"{project}/churn", f"{project}/churn_v2"]
    assert client.models(client.project(project)) == listed


def test_model_errors(client: carrara.Client, project: str, unique: Callable[[str], str]) -> None:
    with pytest.raises(carrara.NotFoundError) as no_project:
        client.create_model(f"{unique('nope')}/m")
    assert no_project.value.code == "NOT_FOUND"
    with pytest.raises(carrara.NotFoundError):
        client.models(unique("nope"))
    with pytest.raises(carrara.NotFoundError) as no_model:
        client.model(f"{project}/absent")
    assert (no_model.value.status, no_model.value.code) == (404, "NOT_FOUND")
    with pytest.raises(carrara.InvalidInputError) as bad_name:
        client.create_model(f"{project}/bad name")
    assert (bad_name.value.status, bad_name.value.field) == (400, "name")
    with pytest.raises(carrara.InvalidInputError) as not_full:
        client.model("just-a-name")
    assert (not_full.value.code, not_full.value.field) == ("INVALID_ARGUMENT", "model")
    client.create_model(f"{project}/twice")
    with pytest.raises(carrara.ConflictError) as duplicate:
        client.create_model(f"{project}/twice")
    assert duplicate.value.code == "ALREADY_EXISTS"
    with pytest.raises(carrara.NotFoundError):
        client.create_model(f"{project}/orphan", depends_on=[f"{project}/ghost"])


def test_dependencies_and_lineage(client: carrara.Client, project: str, tmp_path: Path) -> None:
    upstream = client.create_model(f"{project}/demand").full_name
    middle = client.create_model(f"{project}/eta", depends_on=[upstream]).full_name
    downstream = client.create_model(f"{project}/price").full_name
    updated = client.add_dependency(downstream, middle)
    assert updated.depends_on == [middle]
    assert client.model(middle).dependents == [downstream]

    artifact = tmp_path / "weights.bin"
    artifact.write_bytes(b"upstream weights")
    for name in (upstream, middle, downstream):
        client.upload(artifact, name, format="opaque")
    second = client.upload(artifact, upstream, format="opaque")
    # An upstream upload makes new instances downstream, transitively, with the new dependency snapshot.
    middle_instances = client.instances(middle)
    assert [i.reason for i in middle_instances] == ["dependency-update", "upload"]
    assert middle_instances[0].dependencies == {upstream: second.id}
    propagated = client.instances(downstream)
    assert [i.reason for i in propagated] == ["dependency-update", "upload"]
    assert propagated[0].dependencies == {middle: middle_instances[0].id}
    assert propagated[0].artifact == propagated[1].artifact

    lineage = client.lineage(middle)
    assert isinstance(lineage, Lineage)
    assert lineage.model == middle
    assert [node.model for node in lineage.upstream] == [upstream]
    assert [node.model for node in lineage.downstream] == [downstream]
    assert [i.id for i in lineage.instances] == [i.id for i in middle_instances]
    deep = client.lineage(downstream)
    assert deep.upstream[0].model == middle and deep.upstream[0].children[0].model == upstream
    assert "  " + middle in deep.tree() and "    " + upstream in deep.tree()
    assert middle in deep._repr_html_()
    assert len(client.lineage(downstream, limit=1).instances) == 1
    with pytest.raises(carrara.InvalidInputError) as bad_limit:
        client.lineage(downstream, limit=0)
    assert (bad_limit.value.status, bad_limit.value.field) == (0, "limit")

    with pytest.raises(carrara.ConflictError) as cycle:
        client.add_dependency(upstream, downstream)
    assert (cycle.value.status, cycle.value.code) == (409, "DEPENDENCY_CYCLE")
    with pytest.raises(carrara.NotFoundError):
        client.add_dependency(downstream, f"{project}/ghost")
    with pytest.raises(carrara.InvalidInputError) as bad_upstream:
        client.add_dependency(downstream, "no-slash")
    assert bad_upstream.value.field == "upstream"
    removed = client.remove_dependency(downstream, middle)
    assert removed.depends_on == []
    assert client.lineage(downstream).upstream == []
    with pytest.raises(carrara.NotFoundError):
        client.lineage(f"{project}/ghost")


# ---------------------------------------------------------------- instances

def test_upload_file_and_download(client: carrara.Client, model: str, tmp_path: Path) -> None:
    artifact = tmp_path / "model.txt"
    artifact.write_bytes(b"weights: 1 2 3\n" * 1000)
    instance = client.upload(artifact, model, {"city": "nyc", "trainingRows": 455, "tuned": True}, format="opaque",
                             training={"dataRef": "hive://trips/2026-11-01", "seeds": {"split": 42}},
                             provenance_extra={"notebook": "explore.ipynb"})
    assert isinstance(instance, Instance)
    assert (instance.model, instance.version, instance.reason, instance.created_by) == (model, 1, "upload", "sdk-tests")
    assert instance.metadata == {"city": "nyc", "trainingRows": "455", "tuned": "true"}
    assert instance.artifact.sha256 == hashlib.sha256(artifact.read_bytes()).hexdigest()
    assert (instance.artifact.format, instance.artifact.packaging, instance.artifact.size) == ("opaque", "file", 15000)
    assert instance.format == "opaque" and instance.project == model.split("/")[0]
    assert instance.provenance["fileName"] == "model.txt"
    assert instance.provenance["client"]["client"] == "carrara-python"
    training = instance.provenance["training"]
    assert (training["dataRef"], training["seeds"]) == ("hive://trips/2026-11-01", {"split": 42})
    assert instance.provenance["extra"] == {"notebook": "explore.ipynb"}
    assert client.instance(instance.id) == instance
    assert client.instance(instance) == instance

    into_folder = tmp_path / "downloads"
    into_folder.mkdir()
    written = client.download(instance, into_folder)
    assert written == into_folder / "model.txt"
    assert written.read_bytes() == artifact.read_bytes()
    as_file = client.download(instance.id, tmp_path / "elsewhere" / "copy.txt")
    assert as_file.read_bytes() == artifact.read_bytes()
    into_new_folder = client.download(instance, f"{tmp_path}/new-folder/")
    assert into_new_folder == tmp_path / "new-folder" / "model.txt" and into_new_folder.read_bytes() == artifact.read_bytes()
    assert not [p for p in into_folder.iterdir() if p.name.startswith(".")]
    with pytest.raises(carrara.InvalidInputError) as exists:
        client.download(instance, into_folder)
    assert exists.value.field == "target"


def test_upload_folder_round_trips(client: carrara.Client, model: str, tmp_path: Path) -> None:
    folder = _model_folder(tmp_path)
    instance = client.upload(folder, model, format="opaque")
    assert instance.artifact.packaging == "zip"
    assert "fileName" not in instance.provenance
    again = client.upload(folder, model, format="opaque")
    # Deterministic packing: the same files are the same blob.
    assert again.artifact.sha256 == instance.artifact.sha256 and again.version == 2

    target = tmp_path / "extracted"
    assert client.download(instance, target) == target.absolute()
    assert _tree(target) == _tree(folder)
    empty = tmp_path / "empty-target"
    empty.mkdir()
    client.download(instance, empty)
    assert _tree(empty) == _tree(folder)
    with pytest.raises(carrara.InvalidInputError) as not_empty:
        client.download(instance, target)
    assert (not_empty.value.code, not_empty.value.field) == ("INVALID_ARGUMENT", "target")


def test_failed_extraction_keeps_the_empty_folder(client: carrara.Client, model: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _model_folder(tmp_path)
    instance = client.upload(folder, model, format="opaque")
    empty = tmp_path / "keep-me"
    empty.mkdir()

    def refuse(packed: Path, target: Path, *args: object) -> Path:
        raise carrara.InvalidInputError("refused", code="UNSAFE_ARCHIVE", field="artifact")

    monkeypatch.setattr("carrara.sdk.archive.extract", refuse)
    with pytest.raises(carrara.InvalidInputError):
        client.download(instance, empty)
    assert empty.is_dir() and list(empty.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep-me")) == []
    monkeypatch.undo()
    client.download(instance, empty)
    assert _tree(empty) == _tree(folder)


def test_upload_errors(client: carrara.Client, project: str, model: str, tmp_path: Path,
                       unique: Callable[[str], str]) -> None:
    artifact = tmp_path / "a.bin"
    artifact.write_bytes(b"x")
    with pytest.raises(carrara.NotFoundError) as missing:
        client.upload(artifact, f"{project}/absent", format="opaque")
    assert missing.value.code == "NOT_FOUND"
    with pytest.raises(carrara.InvalidInputError) as no_format:
        client.upload(artifact, model)
    assert no_format.value.field == "format"
    with pytest.raises(carrara.InvalidInputError) as bad_format:
        client.upload(artifact, model, format="onnx")
    assert bad_format.value.field == "format"
    with pytest.raises(carrara.InvalidInputError) as no_file:
        client.upload(tmp_path / "absent.bin", model, format="opaque")
    assert no_file.value.field == "path"
    with pytest.raises(carrara.InvalidInputError) as skip:
        client.upload(artifact, model, format="opaque", skip_validation=True)
    assert skip.value.field == "skip_validation"
    with pytest.raises(carrara.InvalidInputError) as bad_meta:
        client.upload(artifact, model, {"k": "v" * 600}, format="opaque")
    assert (bad_meta.value.status, bad_meta.value.code) == (400, "INVALID_ARGUMENT")
    assert client.instances(model) == []

    # create_model makes the project and model only once the upload can go ahead.
    refused_project = unique("auto")
    with pytest.raises(carrara.InvalidInputError):
        client.upload(artifact, f"{refused_project}/fresh", {"k": float("inf")}, format="opaque", create_model=True)
    with pytest.raises(carrara.InvalidInputError):
        client.upload(tmp_path / "absent.bin", f"{refused_project}/fresh", format="opaque", create_model=True)
    with pytest.raises(carrara.NotFoundError):
        client.project(refused_project)
    created_project = unique("auto")
    made = client.upload(artifact, f"{created_project}/fresh", format="opaque", create_model=True)
    assert made.model == f"{created_project}/fresh"
    assert client.project(created_project).name == created_project


def test_server_refuses_unsafe_archive(client: carrara.Client, model: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("../escape.txt", b"out of the folder")
    blob = client._upload_blob(io.BytesIO(buffer.getvalue()), content_type="application/zip")
    with pytest.raises(carrara.InvalidInputError) as unsafe:
        client._json("POST", f"/api/v1/projects/{model.split('/')[0]}/models/{model.split('/')[1]}/instances",
                     json_body={"artifact": {"sha256": blob["sha256"], "format": "opaque", "packaging": "zip"}})
    assert (unsafe.value.code, unsafe.value.field) == ("UNSAFE_ARCHIVE", "artifact")


def test_instances_list_and_get(client: carrara.Client, model: str, tmp_path: Path) -> None:
    artifact = tmp_path / "v.bin"
    ids = []
    for version in range(3):
        artifact.write_bytes(f"version {version}".encode())
        ids.append(client.upload(artifact, model, {"n": version}, format="opaque").id)
    listed = client.instances(model)
    assert [i.id for i in listed] == list(reversed(ids))
    assert [i.version for i in client.instances(model, limit=2)] == [3, 2]
    frame = listed.to_pandas()
    assert list(frame["version"]) == [3, 2, 1] and list(frame["meta.n"]) == ["2", "1", "0"]
    with pytest.raises(carrara.NotFoundError) as unknown:
        client.instance(str(uuid.uuid4()))
    assert (unknown.value.status, unknown.value.code) == (404, "NOT_FOUND")
    with pytest.raises(carrara.InvalidInputError) as not_uuid:
        client.instance("not-a-uuid")
    assert not_uuid.value.field == "id"
    with pytest.raises(carrara.NotFoundError):
        client.instances(f"{model}_absent")
    # A limit below 1 is refused before any request.
    with pytest.raises(carrara.InvalidInputError) as bad_limit:
        client.instances(model, limit=0)
    assert (bad_limit.value.status, bad_limit.value.code, bad_limit.value.field) == (0, "INVALID_ARGUMENT", "limit")


def test_deprecate(client: carrara.Client, model: str, tmp_path: Path) -> None:
    artifact = tmp_path / "old.bin"
    artifact.write_bytes(b"old")
    instance = client.upload(artifact, model, format="opaque")
    deprecated = client.deprecate(instance, "leaks the label")
    assert deprecated.deprecated is True
    assert (deprecated.deprecated_reason, deprecated.deprecated_by) == ("leaks the label", "sdk-tests")
    assert deprecated.deprecated_at is not None and deprecated.created_at is not None
    assert deprecated.deprecated_at >= deprecated.created_at
    assert client.instance(instance.id).deprecated
    assert "deprecated" in deprecated._repr_html_() and "leaks the label" in deprecated._repr_html_()
    found = client.search(f"model = '{model.split('/')[1]}' AND project = '{model.split('/')[0]}' AND deprecated")
    assert [i.id for i in found] == [instance.id]
    assert bool(found.to_pandas()["deprecated"][0]) is True
    with pytest.raises(carrara.NotFoundError):
        client.deprecate(str(uuid.uuid4()), "never was")
    with pytest.raises(carrara.InvalidInputError) as no_reason:
        client.deprecate(instance, "")
    assert no_reason.value.status == 400


def test_spark_pipeline_upload(client: carrara.Client, model: str, repository: Path, tmp_path: Path) -> None:
    golden = repository / GOLDEN_PIPELINE
    instance = client.upload_spark_pipeline(golden, model, {"city": "nyc"})
    assert (instance.format, instance.artifact.packaging, instance.metadata) == ("spark-pipeline", "zip", {"city": "nyc"})
    target = tmp_path / "pipeline"
    client.download(instance, target)
    assert _tree(target) == _tree(golden)

    class SavedPipeline:
        """Stands in for a fitted pyspark PipelineModel (pyspark is not installed here): its writer's
        save() writes the golden model's files where it is told to."""

        def write(self) -> SavedPipeline:
            return self

        def overwrite(self) -> SavedPipeline:
            return self

        def save(self, path: str) -> None:
            import shutil
            shutil.copytree(golden, path)

    from_object = client.upload_spark_pipeline(SavedPipeline(), model)
    assert from_object.artifact.sha256 == instance.artifact.sha256

    with pytest.raises(carrara.InvalidInputError) as not_pipeline:
        client.upload_spark_pipeline(tmp_path, model)
    assert not_pipeline.value.field == "pipeline"
    with pytest.raises(TypeError):
        client.upload_spark_pipeline(42, model)


# ---------------------------------------------------------------- metrics

def test_metrics(client: carrara.Client, model: str, tmp_path: Path) -> None:
    artifact = tmp_path / "m.bin"
    artifact.write_bytes(b"m")
    instance = client.upload(artifact, model, format="opaque")
    single = client.record_metric(instance.id, "mae", 4.2, scope="production", metadata={"window": "7d"})
    assert isinstance(single, Metric)
    assert (single.instance, single.name, single.scope, single.value) == (instance.id, "mae", "production", 4.2)
    assert single.metadata == {"window": "7d"} and single.recorded_by == "sdk-tests"
    curve = client.record_metric(instance, "roc", data={"fpr": [0, 1], "tpr": [0, 1]}, scope="training")
    assert curve.value is None and curve.data == {"fpr": [0, 1], "tpr": [0, 1]}
    several = client.record_metrics(instance, {"auc": 0.995, "log_loss": 0.08})
    assert [(m.name, m.scope, m.value) for m in several] == [("auc", "validation", 0.995),
                                                             ("log_loss", "validation", 0.08)]
    # Recorded through the Instance this client uploaded: kept on it (the one recorded by id is not).
    assert [m.name for m in instance.metrics or []] == ["roc", "auc", "log_loss"]
    assert "log_loss" in instance._repr_html_()
    assert client.instance(instance.id).metrics is None
    listed = client.metrics(instance)
    assert [m.name for m in listed] == ["mae", "roc", "auc", "log_loss"]
    assert instance.metrics == list(listed)
    frame = listed.to_pandas()
    assert list(frame["name"]) == ["mae", "roc", "auc", "log_loss"]
    assert frame["meta.window"][0] == "7d"
    card = instance._repr_html_()
    assert "log_loss" in card and "0.995" in card and instance.id in card
    row = RegistryList([instance]).to_pandas().iloc[0]
    assert row["metric.validation.auc"] == 0.995

    found = client.search(f"project = '{model.split('/')[0]}' AND metric.validation.auc > 0.99")
    assert [i.id for i in found] == [instance.id]
    assert client.search(f"project = '{model.split('/')[0]}' AND metric.validation.auc > 0.999") == []

    with pytest.raises(carrara.InvalidInputError) as both:
        client.record_metric(instance, "x", 1.0, data={"a": 1})
    assert (both.value.status, both.value.code) == (400, "INVALID_ARGUMENT")
    with pytest.raises(carrara.InvalidInputError) as scope:
        client.record_metric(instance, "x", 1.0, scope="someday")
    assert scope.value.field == "scope"
    with pytest.raises(carrara.InvalidInputError) as nan:
        client.record_metric(instance, "x", float("nan"))
    assert nan.value.field == "value"
    with pytest.raises(carrara.InvalidInputError) as text:
        client.record_metric(instance, "x", "high")  # type: ignore[arg-type]
    assert (text.value.status, text.value.field) == (0, "value")
    with pytest.raises(carrara.InvalidInputError) as infinite_data:
        client.record_metric(instance, "x", data={"a": float("inf")})
    assert infinite_data.value.code == "INVALID_ARGUMENT"
    # record_metrics checks every name and value before recording any of them.
    recorded = len(client.metrics(instance))
    with pytest.raises(carrara.InvalidInputError) as half:
        client.record_metrics(instance, {"precision": 0.9, "recall": float("inf")})
    assert (half.value.status, half.value.field) == (0, "value") and "recall" in half.value.message
    with pytest.raises(carrara.InvalidInputError) as bad_name:
        client.record_metrics(instance, {"precision": 0.9, "bad name": 0.5})
    assert (bad_name.value.status, bad_name.value.field) == (0, "name")
    assert len(client.metrics(instance)) == recorded
    with pytest.raises(carrara.NotFoundError):
        client.record_metric(str(uuid.uuid4()), "x", 1.0)
    with pytest.raises(carrara.NotFoundError):
        client.metrics(str(uuid.uuid4()))


# ---------------------------------------------------------------- search and events

def test_search(client: carrara.Client, model: str, tmp_path: Path) -> None:
    project, name = model.split("/")
    artifact = tmp_path / "s.bin"
    for city, rows in (("nyc", 100), ("sf", 2000), ("nyc", 30)):
        artifact.write_bytes(f"{city}{rows}".encode())
        client.upload(artifact, model, {"city": city, "rows": rows}, format="opaque")
    everything = client.search(f"project = '{project}' AND model = '{name}'")
    assert [i.version for i in everything] == [3, 2, 1]
    frame = everything.to_pandas()
    assert list(frame.columns[:5]) == ["id", "model", "version", "created_at", "created_by"]
    assert {"deprecated", "meta.city", "meta.rows"} <= set(frame.columns)
    assert list(frame["meta.city"]) == ["nyc", "sf", "nyc"]
    html = everything._repr_html_()
    assert "meta.city" in html and "3 rows" in html

    assert [i.version for i in client.search(f"project = '{project}' AND meta.rows > 50")] == [2, 1]
    assert [i.version for i in client.search(f"project = '{project}' AND meta.city = 'nyc' ORDER BY version ASC")] == [1, 3]
    assert [i.version for i in client.search(f"project = '{project}' LIMIT 1 OFFSET 1")] == [2]
    # limit= pages from the first match, over the filter's own LIMIT.
    assert [i.version for i in client.search(f"project = '{project}' LIMIT 1", limit=2)] == [3, 2]

    with pytest.raises(carrara.InvalidInputError) as bad_limit:
        client.search(f"project = '{project}'", limit=-1)
    assert (bad_limit.value.status, bad_limit.value.code, bad_limit.value.field) == (0, "INVALID_ARGUMENT", "limit")
    with pytest.raises(carrara.InvalidInputError) as syntax:
        client.search("meta.city = ")
    assert (syntax.value.status, syntax.value.code, syntax.value.field) == (400, "SEARCH_SYNTAX", "q")
    assert "position" in syntax.value.message


def test_events(client: carrara.Client, unique: Callable[[str], str]) -> None:
    latest = client.events()
    last = latest[-1].id if latest else 0
    assert [e.id for e in latest] == sorted(e.id for e in latest)
    name = unique("ev")
    client.create_project(name)
    client.create_model(f"{name}/m")
    new = [e for e in client.events(after=last) if e.project == name]
    assert [e.type for e in new] == ["project.created", "model.created"]
    assert new[1].model == "m" and new[1].created_at is not None
    assert len(client.events(after=last, limit=1)) == 1
    assert client.events(after=new[1].id, limit=5) == [e for e in client.events(after=new[1].id)][:5]
    frame = client.events(after=last).to_pandas()
    assert {"id", "type", "project", "model", "instance", "created_at", "payload"} <= set(frame.columns)
    with pytest.raises(carrara.InvalidInputError) as bad:
        client.events(limit=0)
    assert (bad.value.status, bad.value.code, bad.value.field) == (0, "INVALID_ARGUMENT", "limit")
    with pytest.raises(carrara.InvalidInputError) as bad_after:
        client.events(after="yesterday")  # type: ignore[arg-type]
    assert (bad_after.value.code, bad_after.value.field) == ("INVALID_ARGUMENT", "after")


def test_unreachable_server() -> None:
    with pytest.raises(carrara.UnavailableError) as down:
        carrara.connect("http://127.0.0.1:9", progress=False)
    assert down.value.code == "UNREACHABLE"


# ---------------------------------------------------------------- the archive

def test_pack_is_deterministic(tmp_path: Path) -> None:
    folder = _model_folder(tmp_path)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    archive.pack(folder, first)
    os.utime(folder / "README", (1_000_000_000, 1_000_000_000))
    stream = io.BytesIO()
    archive.pack(folder, stream)
    second.write_bytes(stream.getvalue())
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zipped:
        infos = zipped.infolist()
    assert [i.filename for i in infos] == ["README", "metadata/part-00000", "stages/0_scaler/data.bin"]
    assert {i.date_time for i in infos} == {(1980, 2, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_pack_writes_the_bytes_the_java_cli_writes(client: carrara.Client, model: str, repository: Path,
                                                    tmp_path: Path) -> None:
    cli = repository / "carrara-cli" / "target" / "carrara-cli.jar"
    assert cli.is_file(), f"{cli} is not built: build carrara-cli first (the Maven reactor does)"
    folder = _model_folder(tmp_path)
    (folder / "stages" / "\u00e9t\u00e9.json").write_text("{}")
    (folder / "stages" / "\U0001f600.txt").write_text("sorted by UTF-16 units, as Java does")
    (folder / "stages" / "\uff21.txt").write_text("after the emoji in UTF-16, before it in code points")
    for source in (folder, repository / GOLDEN_PIPELINE):
        java = subprocess.run(["java", "-jar", str(cli), "--server", client.url, "instance", "upload", model,
                               str(source)], check=True, capture_output=True, text=True,
                              env={**os.environ, "CARRARA_SKIP_BUILD": "1"})
        by_java = client.instance(java.stdout.strip())
        by_python = client.upload(source, model, format="opaque")
        assert by_python.artifact.sha256 == by_java.artifact.sha256
        assert by_python.artifact.size == by_java.artifact.size


def test_pack_refuses_links_and_non_folders(tmp_path: Path) -> None:
    folder = _model_folder(tmp_path)
    (folder / "link").symlink_to(folder / "README")
    with pytest.raises(carrara.InvalidInputError) as link:
        archive.pack(folder, tmp_path / "x.zip")
    assert "link" in link.value.message and link.value.field == "directory"
    with pytest.raises(carrara.InvalidInputError):
        archive.pack(folder / "README", tmp_path / "y.zip")


def _zip(tmp_path: Path, entries: Dict[str, bytes], symlink: str = "") -> Path:
    path = tmp_path / f"{uuid.uuid4().hex}.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, data in entries.items():
            zipped.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.create_system = 3
            info.external_attr = (0o120777 << 16)
            zipped.writestr(info, b"/etc/passwd")
    return path


@pytest.mark.parametrize("name", ["/etc/x", "../x", "a/../../x", "a\\b", "C:/x", "a//b", "./a"])
def test_extract_refuses_unsafe_names(tmp_path: Path, name: str) -> None:
    with _ignoring_warnings():
        path = _zip(tmp_path, {name: b"x"})
    with pytest.raises(carrara.InvalidInputError) as unsafe:
        archive.extract(path, tmp_path / "out")
    assert (unsafe.value.code, unsafe.value.field) == ("UNSAFE_ARCHIVE", "artifact")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_extract_refuses_duplicates_links_conflicts_and_bombs(tmp_path: Path) -> None:
    with _ignoring_warnings():
        duplicate = tmp_path / "dup.zip"
        with zipfile.ZipFile(duplicate, "w") as zipped:
            zipped.writestr("a", b"1")
            zipped.writestr("a", b"2")
    cases = {
        "appears twice": duplicate,
        "symbolic link": _zip(tmp_path, {"ok": b"1"}, symlink="evil"),
        "both a file and a directory": _zip(tmp_path, {"a": b"1", "a/b": b"2"}),
        "times its compressed size": _zip(tmp_path, {"zeros": bytes(5 << 20)}),
    }
    for expected, path in cases.items():
        with pytest.raises(carrara.InvalidInputError) as unsafe:
            archive.extract(path, tmp_path / "out")
        assert unsafe.value.code == "UNSAFE_ARCHIVE" and expected in unsafe.value.message
        assert not (tmp_path / "out").exists()
    many = _zip(tmp_path, {f"f{i}": b"x" for i in range(5)})
    with pytest.raises(carrara.InvalidInputError, match="more than 4 entries"):
        archive.extract(many, tmp_path / "out", archive.Limits(max_entries=4))
    with pytest.raises(carrara.InvalidInputError, match="more than 3 bytes"):
        archive.extract(many, tmp_path / "out", archive.Limits(max_expanded_bytes=3))
    not_zip = tmp_path / "text.zip"
    not_zip.write_text("hello")
    with pytest.raises(carrara.InvalidInputError, match="not a ZIP"):
        archive.extract(not_zip, tmp_path / "out")
    assert archive.extract(many, tmp_path / "out") == (tmp_path / "out").absolute()
    with pytest.raises(carrara.ConflictError) as exists:
        archive.extract(many, tmp_path / "out")
    assert (exists.value.code, exists.value.field) == ("ALREADY_EXISTS", "targetDirectory")


@contextlib.contextmanager
def _ignoring_warnings() -> Iterator[None]:
    """zipfile warns about duplicate names while writing them; the tests write them on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
