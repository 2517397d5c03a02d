"""The registry: projects, models and their dependencies, instances (uploads, downloads, deprecation),
metrics, search, lineage and events (docs/api.md, "Objects" and "Endpoints").

Times are timezone-aware `datetime`s in UTC; instances may be passed as an `Instance` or an id string
everywhere; models are named by their full name `"project/model"` (or a `Model`).
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import operator
import os
import re
import shutil
import tempfile
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, TypeVar, Union
from urllib.parse import quote

from carrara.sdk import archive
from carrara.sdk._core import (CHUNK_BYTES, CarraraError, ConflictError, InvalidInputError, NotFoundError, ResultList,
                               Transport, check_limit, client_description, from_dict, html_table, json_value, object_id,
                               object_name, parse_time, record)
from carrara.sdk.python_model import PythonModel

T = TypeVar("T")

FORMATS = ("spark-pipeline", "python", "opaque")
DEFAULT_FILE_NAME = "artifact"  # what the Java client names a downloaded file whose uploaded name is unknown
PROVENANCE_FORMAT_VERSION = 2
MAX_PAGE = 1000
API = "/api/v1"
# A metric name, as the registry checks it (FieldChecks.checkKey on the server).
METRIC_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


# ---------------------------------------------------------------- objects

class RegistryList(ResultList[T]):
    """A `ResultList` of registry objects whose table rows are the objects' own flat view (`to_pandas()`
    gives one row per object, metadata flattened into `meta.<key>` columns)."""

    def _rows(self) -> List[Dict[str, Any]]:
        return [item._row() if hasattr(item, "_row") else record(item) for item in self]

    def to_pandas(self) -> Any:
        """One row per object as a pandas DataFrame (pandas needed)."""
        from carrara.sdk._core import require_pandas
        pandas = require_pandas("to_pandas()")
        rows = self._rows()
        columns = _columns(rows)
        return pandas.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        rows = self._rows()
        return f"<div>{len(rows)} rows</div>" + html_table(rows, _columns(rows))


def _columns(rows: List[Dict[str, Any]]) -> List[str]:
    seen: Dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def _time(value: Any) -> Optional[datetime]:
    # Every time field of these objects is made here: an aware datetime in UTC.
    if value is None:
        return None
    if isinstance(value, datetime):
        return parse_time(value.isoformat())
    return parse_time(str(value))


@dataclass
class Project:
    """A project: a namespace of models."""

    name: str
    description: Optional[str] = None
    created_at: Optional[datetime] = None
    created_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Project:
        """A Project from the server's JSON object."""
        project = from_dict(cls, data)
        project.created_at = _time(project.created_at)
        return project

    def _row(self) -> Dict[str, Any]:
        return {"name": self.name, "description": self.description, "created_at": self.created_at,
                "created_by": self.created_by}


@dataclass
class Model:
    """A model of a project: what it predicts and what it depends on; its instances are its versions."""

    project: str
    name: str
    full_name: str
    description: Optional[str] = None
    owner: Optional[str] = None
    type: Optional[str] = None
    features: List[str] = field(default_factory=list)
    hyperparameters: Dict[str, str] = field(default_factory=dict)
    tags: List[str] = field(default_factory=list)
    previous_model: Optional[str] = None
    next_models: List[str] = field(default_factory=list)
    depends_on: List[str] = field(default_factory=list)
    dependents: List[str] = field(default_factory=list)
    created_at: Optional[datetime] = None
    created_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        """A Model from the server's JSON object."""
        model = from_dict(cls, data)
        model.created_at = _time(model.created_at)
        for name in ("features", "tags", "next_models", "depends_on", "dependents"):
            if getattr(model, name) is None:
                setattr(model, name, [])
        if model.hyperparameters is None:
            model.hyperparameters = {}
        return model

    def _row(self) -> Dict[str, Any]:
        return {"full_name": self.full_name, "project": self.project, "name": self.name,
                "description": self.description, "owner": self.owner, "type": self.type,
                "features": ", ".join(self.features), "tags": ", ".join(self.tags),
                "depends_on": ", ".join(self.depends_on), "dependents": ", ".join(self.dependents),
                "previous_model": self.previous_model, "created_at": self.created_at, "created_by": self.created_by}


@dataclass
class Artifact:
    """What an instance's bytes are: their SHA-256 and size, `format` (`spark-pipeline`, `python`,
    `opaque`), `packaging` (`file` or `zip`) and where the server stores them (`uri`)."""

    sha256: str
    size: int
    format: str
    packaging: str
    uri: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Metric:
    """A value (or JSON `data`) recorded against an instance in a scope (`training`, `validation`,
    `production`)."""

    id: int
    instance: str
    name: str
    scope: str
    value: Optional[float] = None
    data: Any = None
    metadata: Dict[str, str] = field(default_factory=dict)
    recorded_at: Optional[datetime] = None
    recorded_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Metric:
        """A Metric from the server's JSON object."""
        metric = from_dict(cls, data)
        metric.recorded_at = _time(metric.recorded_at)
        if metric.metadata is None:
            metric.metadata = {}
        return metric

    def _row(self) -> Dict[str, Any]:
        row: Dict[str, Any] = {"id": self.id, "instance": self.instance, "name": self.name, "scope": self.scope,
                               "value": self.value, "data": None if self.data is None else _json_text(self.data),
                               "recorded_at": self.recorded_at, "recorded_by": self.recorded_by}
        row.update({f"meta.{key}": value for key, value in sorted(self.metadata.items())})
        return row


@dataclass
class Instance:
    """One uploaded version of a model: `id`, `model` ("project/model"), `version`, the `artifact`,
    `metadata` (string keys and values, searchable as `meta.<key>`), `provenance` (who uploaded it
    from where, training references), `dependencies` (upstream model -> instance id when it was made),
    `reason` (`upload` or `dependency-update`) and the deprecation fields. `metrics` holds its metrics
    when this client knows them (listed with `Client.metrics(inst)`, or recorded since this client
    uploaded it), else None; the card and table rows show them."""

    id: str
    model: str
    version: int
    artifact: Artifact
    created_at: Optional[datetime] = None
    created_by: Optional[str] = None
    reason: Optional[str] = None
    previous_instance: Optional[str] = None
    metadata: Dict[str, str] = field(default_factory=dict)
    provenance: Dict[str, Any] = field(default_factory=dict)
    dependencies: Dict[str, str] = field(default_factory=dict)
    deprecated: bool = False
    deprecated_reason: Optional[str] = None
    deprecated_at: Optional[datetime] = None
    deprecated_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)
    metrics: Optional[List[Metric]] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Instance:
        """An Instance from the server's JSON object."""
        values = dict(data)
        values.pop("metrics", None)  # not on the wire today; never let it shadow the client's cache
        instance = from_dict(cls, values)
        instance.artifact = from_dict(Artifact, data.get("artifact") or {})
        instance.created_at = _time(instance.created_at)
        instance.deprecated_at = _time(instance.deprecated_at)
        instance.deprecated = bool(instance.deprecated)
        for name in ("metadata", "provenance", "dependencies"):
            if getattr(instance, name) is None:
                setattr(instance, name, {})
        instance.metrics = None
        return instance

    @property
    def project(self) -> str:
        """The project part of `model`."""
        return self.model.split("/", 1)[0]

    @property
    def model_name(self) -> str:
        """The model part of `model` (without the project)."""
        return self.model.split("/", 1)[-1]

    @property
    def format(self) -> str:
        """The artifact's format: `spark-pipeline`, `python` or `opaque`."""
        return self.artifact.format

    def _row(self) -> Dict[str, Any]:
        row: Dict[str, Any] = {"id": self.id, "model": self.model, "version": self.version,
                               "created_at": self.created_at, "created_by": self.created_by, "format": self.format,
                               "reason": self.reason, "deprecated": self.deprecated}
        row.update({f"meta.{key}": value for key, value in sorted(self.metadata.items())})
        for metric in _latest_metrics(self.metrics or []):
            row[f"metric.{metric.scope}.{metric.name}"] = metric.value
        return row

    def _repr_html_(self) -> str:
        state = (f"<span style='color:#cf222e'>deprecated</span> by {html.escape(str(self.deprecated_by))}: "
                 f"{html.escape(str(self.deprecated_reason))}" if self.deprecated else "active")
        facts = [("id", self.id), ("model", self.model), ("version", self.version), ("format", self.format),
                 ("packaging", self.artifact.packaging), ("size", f"{self.artifact.size:,} bytes"),
                 ("sha256", self.artifact.sha256), ("created", f"{self.created_at} by {self.created_by}"),
                 ("reason", self.reason), ("state", None)]
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(key)}</th><td>"
                       f"{state if key == 'state' else html.escape('' if value is None else str(value))}</td></tr>"
                       for key, value in facts)
        rows += "".join(f"<tr><th style='text-align:left'>dependency {html.escape(upstream)}</th>"
                        f"<td>{html.escape(upstream_id)}</td></tr>" for upstream, upstream_id in self.dependencies.items())
        parts = [f"<div><b>instance {self.version} of {html.escape(self.model)}</b></div><table>{rows}</table>"]
        if self.metadata:
            parts.append("<div><b>metadata</b></div>" + html_table(
                [{"key": key, "value": value} for key, value in sorted(self.metadata.items())], ["key", "value"]))
        if self.metrics:
            parts.append("<div><b>metrics</b></div>" + html_table(
                [{"scope": m.scope, "name": m.name, "value": m.value if m.data is None else _json_text(m.data),
                  "recorded_at": m.recorded_at} for m in self.metrics], ["scope", "name", "value", "recorded_at"]))
        return "".join(parts)


@dataclass
class Event:
    """Something that happened in the registry (`instance.created`, `metric.recorded`, ...), in order of `id`."""

    id: int
    type: str
    project: Optional[str] = None
    model: Optional[str] = None
    instance: Optional[str] = None
    payload: Dict[str, Any] = field(default_factory=dict)
    created_at: Optional[datetime] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        """An Event from the server's JSON object."""
        event = from_dict(cls, data)
        event.created_at = _time(event.created_at)
        if event.payload is None:
            event.payload = {}
        return event

    def _row(self) -> Dict[str, Any]:
        return {"id": self.id, "type": self.type, "project": self.project, "model": self.model,
                "instance": self.instance, "created_at": self.created_at, "payload": _json_text(self.payload)}


@dataclass
class LineageNode:
    """A model in a dependency tree and the next level of the tree: what it depends on (in `upstream`
    trees) or what depends on it (in `downstream` trees)."""

    model: str
    children: List[LineageNode] = field(default_factory=list)


@dataclass
class Lineage:
    """A model's dependency trees both ways and its instance history, newest first."""

    model: str
    upstream: List[LineageNode] = field(default_factory=list)
    downstream: List[LineageNode] = field(default_factory=list)
    instances: RegistryList[Instance] = field(default_factory=RegistryList)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Lineage:
        """A Lineage from the server's JSON object."""
        return cls(model=str(data.get("model")),
                   upstream=[_node(node, "upstream") for node in data.get("upstream") or []],
                   downstream=[_node(node, "downstream") for node in data.get("downstream") or []],
                   instances=RegistryList(Instance.from_json(item) for item in data.get("instances") or []))

    def tree(self) -> str:
        """The trees as indented text, as `carrara lineage` prints them."""
        lines = [f"model {self.model}", "upstream:"]
        _tree_lines(self.upstream, 1, lines)
        lines.append("downstream:")
        _tree_lines(self.downstream, 1, lines)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.tree())}</pre><div><b>instances, newest first</b></div>" + \
            self.instances._repr_html_()


def _node(data: Mapping[str, Any], direction: str) -> LineageNode:
    return LineageNode(model=str(data.get("model")), children=[_node(child, direction) for child in data.get(direction) or []])


def _tree_lines(nodes: List[LineageNode], depth: int, lines: List[str]) -> None:
    if not nodes and depth == 1:
        lines.append("  (none)")
    for node in nodes:
        lines.append("  " * depth + node.model)
        _tree_lines(node.children, depth + 1, lines)


def _latest_metrics(metrics: Iterable[Metric]) -> List[Metric]:
    latest: Dict[Tuple[str, str], Metric] = {}
    for metric in metrics:
        latest[(metric.scope, metric.name)] = metric
    return list(latest.values())


def _json_text(value: Any) -> str:
    # For showing JSON the server sent (a metric's data, an event's payload) in one table cell.
    return json.dumps(json_value(value, "value"), sort_keys=True)


# ---------------------------------------------------------------- names

def _segment(value: str) -> str:
    return quote(value, safe="")


def _split_model(model: Any) -> Tuple[str, str]:
    if isinstance(model, Model):
        return model.project, model.name
    if not isinstance(model, str):
        raise TypeError(f"expected a model's full name 'project/model' or a Model, got {type(model).__name__}")
    parts = model.split("/")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise InvalidInputError(f"model '{model}' is not a full name 'project/model'; name it as project/model",
                                code="INVALID_ARGUMENT", field="model")
    return parts[0], parts[1]


def _project_path(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidInputError(f"the project name {name!r} is empty; name a project", code="INVALID_ARGUMENT",
                                field="project")
    return f"{API}/projects/{_segment(name)}"


def _model_path(model: Any) -> str:
    project, name = _split_model(model)
    return f"{API}/projects/{_segment(project)}/models/{_segment(name)}"


def _instance_path(instance: Any) -> str:
    return f"{API}/instances/{_segment(object_id(instance))}"


def _string_map(values: Optional[Mapping[str, Any]], what: str) -> Dict[str, str]:
    """Metadata as the registry stores it, strings: numbers and booleans are written as text."""
    if values is not None and not isinstance(values, Mapping):
        raise TypeError(f"{what} must be a dict of names to values, not {type(values).__name__}")
    result: Dict[str, str] = {}
    for key, value in (values or {}).items():
        if isinstance(value, (str, os.PathLike)):
            result[str(key)] = str(value)
            continue
        try:
            # numpy scalars as Python numbers; an infinity, bytes or an arbitrary object refused by name
            plain = json_value(value, f"{what} {key!r}")
        except InvalidInputError as error:
            raise InvalidInputError(f"{error.message}; record it as text", code="INVALID_ARGUMENT", field=what) from None
        if plain is None:
            raise InvalidInputError(f"{what} {key!r} is {value}; give it a value or leave it out",
                                    code="INVALID_ARGUMENT", field=what)
        if isinstance(plain, bool):
            result[str(key)] = "true" if plain else "false"
        elif isinstance(plain, (int, float)):
            result[str(key)] = str(value) if isinstance(value, (int, float)) else str(plain)
        elif isinstance(plain, str):
            result[str(key)] = plain
        else:
            raise InvalidInputError(f"{what} {key!r} is a {type(value).__name__}; metadata values are text, numbers or "
                                    "booleans: write it as text (json.dumps) first", code="INVALID_ARGUMENT", field=what)
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- the API

class RegistryApi(Transport):
    """Projects, models, instances, metrics, search, lineage and events of a Carrara server."""

    # -- projects

    def create_project(self, name: str, description: Optional[str] = None) -> Project:
        """Creates a project (POST /api/v1/projects). Raises `InvalidInputError` (field `name`) for a
        name that is not 1-128 of `A-Z a-z 0-9 _ . -`, `ConflictError` `ALREADY_EXISTS` when it exists."""
        body: Dict[str, Any] = {"name": name}
        if description is not None:
            body["description"] = description
        return Project.from_json(self._json("POST", f"{API}/projects", json_body=body))

    def projects(self) -> RegistryList[Project]:
        """Every project, by name."""
        return RegistryList(Project.from_json(item) for item in self._items(f"{API}/projects"))

    def project(self, name: str) -> Project:
        """One project; `NotFoundError` when there is none of that name."""
        return Project.from_json(self._json("GET", _project_path(name)))

    # -- models

    def create_model(self, full_name: str, description: Optional[str] = None, *, owner: Optional[str] = None,
                     type: Optional[str] = None, features: Optional[Iterable[str]] = None,
                     hyperparameters: Optional[Mapping[str, Any]] = None, tags: Optional[Iterable[str]] = None,
                     previous_model: Optional[str] = None, depends_on: Optional[Iterable[str]] = None) -> Model:
        """Creates the model `full_name` ("project/model") in its existing project: what it predicts
        (`description`, `owner`, `type` such as classifier), its input `features`, `hyperparameters`
        (values written as text), `tags`, the model it replaces (`previous_model`) and the models it
        depends on (`depends_on`, full names). `NotFoundError` for an unknown project or upstream model,
        `ConflictError` `ALREADY_EXISTS` when it exists, `InvalidInputError` naming a bad field."""
        project, name = _split_model(full_name)
        body: Dict[str, Any] = {"name": name}
        optional: Dict[str, Any] = {
            "description": description, "owner": owner, "type": type,
            "features": None if features is None else list(features),
            "hyperparameters": None if hyperparameters is None else _string_map(hyperparameters, "hyperparameters"),
            "tags": None if tags is None else list(tags),
            "previousModel": previous_model,
            "dependsOn": None if depends_on is None else [str(getattr(d, "full_name", d)) for d in depends_on]}
        body.update({key: value for key, value in optional.items() if value is not None})
        return Model.from_json(self._json("POST", f"{API}/projects/{_segment(project)}/models", json_body=body))

    def models(self, project: Union[str, Project]) -> RegistryList[Model]:
        """Every model of a project; `NotFoundError` for an unknown project."""
        name = object_name(project, "project")
        return RegistryList(Model.from_json(item) for item in self._items(f"{_project_path(name)}/models"))

    def model(self, full_name: Union[str, Model]) -> Model:
        """One model by its full name "project/model"; `NotFoundError` when it does not exist."""
        return Model.from_json(self._json("GET", _model_path(full_name)))

    def add_dependency(self, model: Union[str, Model], upstream: Union[str, Model]) -> Model:
        """Records that `model` depends on `upstream` (full names); answers the updated model. A new
        instance of `upstream` then makes a new instance of `model` (reason `dependency-update`).
        `ConflictError` `DEPENDENCY_CYCLE` when it would make a cycle."""
        return Model.from_json(self._json("PUT", self._dependency_path(model, upstream)))

    def remove_dependency(self, model: Union[str, Model], upstream: Union[str, Model]) -> Model:
        """Removes the dependency of `model` on `upstream`; answers the updated model."""
        return Model.from_json(self._json("DELETE", self._dependency_path(model, upstream)))

    @staticmethod
    def _dependency_path(model: Any, upstream: Any) -> str:
        try:
            upstream_project, upstream_name = _split_model(upstream)
        except InvalidInputError as error:
            raise InvalidInputError(error.message, code=error.code, field="upstream") from None
        return f"{_model_path(model)}/dependencies/{_segment(upstream_project)}/{_segment(upstream_name)}"

    def lineage(self, full_name: Union[str, Model], limit: Optional[int] = None) -> Lineage:
        """What the model depends on and what depends on it (trees, transitively), and its instances,
        newest first: all of them, or the latest `limit`."""
        check_limit(limit)
        path = _model_path(full_name)
        lineage = Lineage.from_json(self._json("GET", f"{path}/lineage",
                                               params={"limit": MAX_PAGE if limit is None else min(limit, MAX_PAGE)}))
        if len(lineage.instances) == MAX_PAGE and (limit is None or limit > MAX_PAGE):
            # The lineage answers at most a page of instances: the rest come page by page.
            lineage.instances = self.instances(full_name, limit=limit)
        return lineage

    # -- instances

    def upload(self, artifact: Union[PythonModel, str, Path], model: Union[str, Model],
               meta: Optional[Mapping[str, Any]] = None, *, format: Optional[str] = None,
               training: Optional[Mapping[str, Any]] = None, provenance_extra: Optional[Mapping[str, Any]] = None,
               skip_validation: bool = False, create_model: bool = False,
               progress: Optional[bool] = None) -> Instance:
        """Uploads a new instance of `model` ("project/model"): the blob first (streamed with its
        SHA-256 and a progress bar), then the instance that points at it.

        artifact: a `PythonModel` (format `python`), or a file or folder path with `format=`
        (`spark-pipeline`, `python` or `opaque`). A folder travels as a deterministic ZIP (packaging
        `zip`); a file as is (packaging `file`, its name kept in the provenance's `fileName`).
        A python model (a `PythonModel`, or a path with `format="python"`) is validated first in this
        interpreter (see `PythonModel.validate`) and refused with `ValidationFailedError` carrying the
        differences when its answers differ, unless `skip_validation=True`; its metadata gets
        `python.validation` (`passed (N rows)` or `skipped`), `python.kind`, `python.version` and
        `inputSchema` (from carrara.yaml, when at most 512 characters), as the Java CLI records them.
        `python.environment`, the hash of the environment the server builds, is not recorded.
        meta: metadata, string values (numbers and booleans are written as text).
        training: the provenance's training references (`dataRef`, `codeRef`, `seeds`, `frameworks`).
        provenance_extra: free string key/values kept in the provenance's `extra`.
        create_model: create the project and model when missing; by default a missing model is a
        `NotFoundError` before any byte moves, as with `carrara instance upload`.
        """
        metadata = _string_map(meta, "meta")
        if isinstance(artifact, PythonModel):
            if format not in (None, "python"):
                raise InvalidInputError(f"a PythonModel uploads with format 'python', not {format!r}; drop format=",
                                        code="INVALID_ARGUMENT", field="format")
            python_model: Optional[PythonModel] = artifact
            path = artifact.path
            format = "python"
        elif isinstance(artifact, (str, Path)):
            path = Path(artifact)
            if format is None:
                raise InvalidInputError(f"say what {path} holds: format= one of {', '.join(FORMATS)}",
                                        code="INVALID_ARGUMENT", field="format")
            if format not in FORMATS:
                raise InvalidInputError(f"format {format!r} is not one of {', '.join(FORMATS)}",
                                        code="INVALID_ARGUMENT", field="format")
            if not path.exists():
                raise InvalidInputError(f"{path} does not exist; pass a model file or folder", code="INVALID_ARGUMENT",
                                        field="path")
            python_model = None
            if format == "python":
                if not path.is_dir():
                    raise InvalidInputError(f"{path} is a file; a python model is its home folder (carrara.yaml, "
                                            "model.py, ...)", code="INVALID_ARGUMENT", field="path")
                python_model = PythonModel.from_home(path)
        else:
            raise TypeError(f"expected a PythonModel or a file or folder path, got {type(artifact).__name__}")
        if python_model is None and skip_validation:
            raise InvalidInputError("skip_validation applies to python models only; drop it", code="INVALID_ARGUMENT",
                                    field="skip_validation")
        # Fail on an unknown model before validating or moving any bytes; with create_model, the project
        # and model are made only once the model validated and its bytes are on the server, so a
        # refused upload leaves nothing behind.
        missing = not self._model_exists(model, create_model)
        if python_model is not None:
            for warning in python_model.warnings:
                warnings.warn(warning, stacklevel=2)
            metadata = python_model.upload_metadata(metadata, skip_validation=skip_validation)
        return self._upload_path(path, model, format, metadata, training, provenance_extra, progress, create=missing)

    def upload_spark_pipeline(self, pipeline: Any, model: Union[str, Model], meta: Optional[Mapping[str, Any]] = None,
                              *, training: Optional[Mapping[str, Any]] = None,
                              provenance_extra: Optional[Mapping[str, Any]] = None, create_model: bool = False,
                              progress: Optional[bool] = None) -> Instance:
        """Uploads a Spark ML pipeline as an instance of format `spark-pipeline`: either the folder
        `PipelineModel.save()` wrote (holding `metadata/` and `stages/`), or a fitted PySpark
        `PipelineModel`, which is saved to a temporary folder first (`.write().overwrite().save()`).
        The other arguments are those of `upload`."""
        if isinstance(pipeline, (str, Path)):
            folder = Path(pipeline)
            if not (folder / "metadata").is_dir():
                raise InvalidInputError(f"{folder} is not a folder written by PipelineModel.save() (no metadata/ in it); "
                                        "pass the folder you saved the fitted pipeline to, or the PipelineModel itself",
                                        code="INVALID_ARGUMENT", field="pipeline")
            return self.upload(folder, model, meta, format="spark-pipeline", training=training,
                               provenance_extra=provenance_extra, create_model=create_model, progress=progress)
        if not callable(getattr(pipeline, "write", None)):
            raise TypeError(f"expected a pyspark.ml.PipelineModel or the folder it was saved to, got "
                            f"{type(pipeline).__name__}")
        self._model_exists(model, create_model)  # an unknown model fails before the pipeline is written
        with tempfile.TemporaryDirectory(prefix="carrara-pipeline-") as scratch:
            folder = Path(scratch) / "model"
            pipeline.write().overwrite().save(str(folder))
            return self.upload(folder, model, meta, format="spark-pipeline", training=training,
                               provenance_extra=provenance_extra, create_model=create_model, progress=progress)

    def _model_exists(self, model: Any, create: bool) -> bool:
        """Whether the model exists; a missing one raises NotFoundError unless it is to be created."""
        try:
            self.model(model)
            return True
        except NotFoundError:
            if not create:
                raise
            return False

    def _create_missing_model(self, model: Any) -> None:
        project, name = _split_model(model)
        try:
            self.project(project)
        except NotFoundError:
            try:
                self.create_project(project)
            except ConflictError:  # made meanwhile by someone else: as good
                pass
        try:
            self.create_model(f"{project}/{name}")
        except ConflictError:
            pass

    def _upload_path(self, path: Path, model: Any, format: str, metadata: Dict[str, str],
                     training: Optional[Mapping[str, Any]], provenance_extra: Optional[Mapping[str, Any]],
                     progress: Optional[bool], create: bool = False) -> Instance:
        provenance: Dict[str, Any] = {"formatVersion": PROVENANCE_FORMAT_VERSION, "client": client_description()}
        if training is not None:
            provenance["training"] = dict(training)
        if provenance_extra:
            provenance["extra"] = _string_map(provenance_extra, "provenance_extra")
        if path.is_dir():
            packaging = "zip"
            with tempfile.TemporaryDirectory(prefix="carrara-upload-") as scratch:
                packed = Path(scratch) / "artifact.zip"
                archive.pack(path, packed)
                blob = self._upload_blob(packed, content_type="application/zip", description=f"upload {path.name}",
                                         progress=progress)
        else:
            packaging = "file"
            provenance["fileName"] = path.name
            blob = self._upload_blob(path, description=f"upload {path.name}", progress=progress)
        body = {"artifact": {"sha256": blob["sha256"], "format": format, "packaging": packaging},
                "metadata": metadata, "provenance": provenance}
        if create:
            self._create_missing_model(model)
        created = Instance.from_json(self._json("POST", f"{_model_path(model)}/instances", json_body=body))
        created.metrics = []  # a new instance has none yet: record_metric(s) on it add to this list
        return created

    def instances(self, model: Union[str, Model], limit: Optional[int] = None) -> RegistryList[Instance]:
        """The model's instances, newest first: all of them, or the latest `limit` (pages followed)."""
        check_limit(limit)
        path = f"{_model_path(model)}/instances"
        return RegistryList(Instance.from_json(item) for item in self._pages(path, limit=limit, page_size=MAX_PAGE))

    def instance(self, instance: Union[str, Instance]) -> Instance:
        """One instance by id (a fresh copy when given an `Instance`); `NotFoundError` when unknown,
        `InvalidInputError` (field `id`) when the id is not a UUID."""
        return Instance.from_json(self._json("GET", _instance_path(instance)))

    def download(self, instance: Union[str, Instance], target: Union[str, Path],
                 progress: Optional[bool] = None) -> Path:
        """Downloads an instance's artifact and checks its SHA-256 before anything appears at `target`.
        A `zip` artifact (a model folder) is extracted safely (see `carrara.sdk.archive.extract`) into
        `target`, which must be a new or empty folder. A `file` artifact is written into `target` under
        its uploaded name when `target` is an existing folder (or a string ending with `/`), else as the
        file `target`; never over an existing file. Answers the folder or file written."""
        current = self.instance(instance)
        artifact = current.artifact
        destination = Path(target).absolute()
        if artifact.packaging == "zip":
            empty_folder = destination.is_dir() and not destination.is_symlink()
            if empty_folder:
                if any(destination.iterdir()):
                    raise _not_empty(destination)
            elif os.path.lexists(destination):
                raise InvalidInputError(f"{destination} is a file; pass a new or empty folder", code="INVALID_ARGUMENT",
                                        field="target")
            with tempfile.TemporaryDirectory(prefix="carrara-download-") as scratch:
                packed = Path(scratch) / "artifact.zip"
                self._download_checked(current, packed, progress)
                if not empty_folder:
                    archive.extract(packed, destination)
                    return destination
                # Extracted beside the user's folder, which is replaced only once the model is complete:
                # a failed extraction leaves the folder as it was.
                extracted = destination.parent / f".{destination.name}.carrara-download-{uuid.uuid4().hex}"
                archive.extract(packed, extracted)
                try:
                    _replace_empty_folder(extracted, destination)
                except BaseException:
                    shutil.rmtree(extracted, ignore_errors=True)
                    raise
            return destination
        names_folder = isinstance(target, str) and target.endswith(("/", os.sep))
        if destination.is_dir() or names_folder:
            destination = destination / _file_name(current)
        if os.path.lexists(destination):
            raise InvalidInputError(f"{destination} already exists; remove it or download somewhere else",
                                    code="INVALID_ARGUMENT", field="target")
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.parent / f".{destination.name}.carrara-download"
        try:
            self._download_checked(current, partial, progress)
            os.replace(partial, destination)
        finally:
            if partial.exists():
                partial.unlink()
        return destination

    def _download_checked(self, instance: Instance, file: Path, progress: Optional[bool]) -> None:
        headers = self._download(f"{_instance_path(instance)}/artifact", file, description=f"download {instance.id[:8]}",
                                 progress=progress)
        expected = instance.artifact.sha256
        sent = headers.get("X-Carrara-Sha256", expected)
        actual = _sha256(file)
        if sent != expected or actual != expected:
            file.unlink()
            raise CarraraError(f"the artifact of instance {instance.id} arrived with SHA-256 {actual} (server said "
                               f"{sent}) instead of {expected}; nothing was written, download it again",
                               code="BLOB_CORRUPTED")

    def deprecate(self, instance: Union[str, Instance], reason: str) -> Instance:
        """Marks an instance deprecated with `reason`; it stays in the registry and its history, and
        deployments serving it go on doing so until redeployed. Answers the updated instance."""
        return Instance.from_json(self._json("POST", f"{_instance_path(instance)}/deprecate",
                                             json_body={"reason": reason}))

    # -- metrics

    def record_metric(self, instance: Union[str, Instance], name: str, value: Optional[float] = None, *,
                      scope: str = "validation", data: Any = None,
                      metadata: Optional[Mapping[str, Any]] = None) -> Metric:
        """Records one metric of an instance: a number `value`, or any JSON `data` (exactly one), in
        `scope` (`training`, `validation`, `production`), with string `metadata` such as window=7d.
        When `instance` is an `Instance` whose metrics are known (listed with `metrics()`, or none yet
        because this client just uploaded it), the new one is added to its `metrics`."""
        path = f"{_instance_path(instance)}/metrics"
        body = _metric_body(name, value, scope)
        if data is not None:
            body["data"] = json_value(data, "data")
        if metadata:
            body["metadata"] = _string_map(metadata, "metadata")
        return self._post_metric(instance, path, body)

    def _post_metric(self, instance: Union[str, Instance], path: str, body: Dict[str, Any]) -> Metric:
        metric = Metric.from_json(self._json("POST", path, json_body=body))
        if isinstance(instance, Instance) and instance.metrics is not None:
            instance.metrics.append(metric)
        return metric

    def record_metrics(self, instance: Union[str, Instance], values: Mapping[str, float], *,
                       scope: str = "validation", metadata: Optional[Mapping[str, Any]] = None) -> RegistryList[Metric]:
        """Records several numeric metrics at once, e.g. `{"auc": 0.995, "log_loss": 0.08}`, in one scope.
        Every name and value is checked before the first is sent, so a bad one records none of them."""
        if not isinstance(values, Mapping):
            raise TypeError(f"values must be a dict of metric names to numbers, not {type(values).__name__}")
        path = f"{_instance_path(instance)}/metrics"
        bodies = [_metric_body(name, value, scope, required=True) for name, value in values.items()]
        extra = _string_map(metadata, "metadata") if metadata else None
        recorded: RegistryList[Metric] = RegistryList()
        for body in bodies:
            if extra:
                body["metadata"] = extra
            recorded.append(self._post_metric(instance, path, body))
        return recorded

    def metrics(self, instance: Union[str, Instance]) -> RegistryList[Metric]:
        """Every metric of an instance, oldest first (kept on the `Instance` when given one, so its
        card and table rows show them)."""
        listed = RegistryList(Metric.from_json(item) for item in self._items(f"{_instance_path(instance)}/metrics"))
        if isinstance(instance, Instance):
            instance.metrics = list(listed)
        return listed

    # -- search and events

    def search(self, filter: str, limit: Optional[int] = None) -> RegistryList[Instance]:
        """Instances matching `filter` in the search language of docs/api.md, e.g.
        `model = 'breast_cancer' AND metric.validation.auc > 0.99 ORDER BY created_at DESC`.
        Without `limit`, the filter's own `LIMIT`/`OFFSET` apply (default 100); with `limit`, up to
        that many are fetched page by page from the first (over the filter's LIMIT and OFFSET).
        `InvalidInputError` `SEARCH_SYNTAX` (field `q`) points at a syntax error's position."""
        check_limit(limit)
        path = f"{API}/search"
        if limit is None:
            body = self._json("GET", path, params={"q": filter})
            items = body.get("items", []) if isinstance(body, dict) else []
        else:
            items = list(self._pages(path, {"q": filter}, limit=limit, page_size=MAX_PAGE))
        return RegistryList(Instance.from_json(item) for item in items)

    def events(self, after: Optional[int] = None, limit: Optional[int] = None) -> RegistryList[Event]:
        """Registry events with an id greater than `after` (default: from the first), oldest first:
        all of them, or the first `limit`. Pass the last id seen as `after` to follow new ones."""
        check_limit(limit)
        position = 0
        if after is not None:
            try:
                position = -1 if isinstance(after, bool) else operator.index(after)
            except TypeError:
                position = -1
            if position < 0:
                raise InvalidInputError(f"after must be an event id (a whole number of at least 0), not {after!r}",
                                        code="INVALID_ARGUMENT", field="after")
        found: RegistryList[Event] = RegistryList()
        while limit is None or len(found) < limit:
            size = MAX_PAGE if limit is None else max(1, min(MAX_PAGE, limit - len(found)))
            body = self._json("GET", f"{API}/events", params={"after": position, "limit": size})
            items = body.get("items", []) if isinstance(body, dict) else []
            found.extend(Event.from_json(item) for item in items)
            if len(items) < size:
                break
            position = int(items[-1]["id"])
        return found


def _not_empty(folder: Path) -> InvalidInputError:
    return InvalidInputError(f"{folder} is not empty; download a model folder into a new or empty folder",
                             code="INVALID_ARGUMENT", field="target")


def _replace_empty_folder(source: Path, folder: Path) -> None:
    """Renames the folder `source` over the empty folder `folder` (at once where the system allows)."""
    try:
        os.replace(source, folder)  # POSIX renames over an empty folder in one step
        return
    except OSError:
        if not folder.is_dir() or any(folder.iterdir()):
            raise _not_empty(folder) from None
    folder.rmdir()  # Windows does not rename over a folder
    os.rename(source, folder)


def _metric_body(name: Any, value: Any, scope: str, required: bool = False) -> Dict[str, Any]:
    """A metric's name and value checked as the registry checks them, before anything is sent."""
    if not isinstance(name, str) or not METRIC_NAME.fullmatch(name):
        raise InvalidInputError(f"metric name {name!r} is not valid: use 1 to 128 letters, digits, '_', '.' or '-', "
                                "starting with a letter, digit or '_'", code="INVALID_ARGUMENT", field="name")
    body: Dict[str, Any] = {"name": name, "scope": scope}
    if value is None:
        if required:
            raise InvalidInputError(f"metric {name} has no value; give it a number", code="INVALID_ARGUMENT",
                                    field="value")
        return body
    if isinstance(value, (str, bytes, bool)):
        raise InvalidInputError(f"metric {name} is {value!r}, not a number; record a number, or use data= for "
                                "anything else", code="INVALID_ARGUMENT", field="value")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"metric {name} is a {type(value).__name__}, not a number; record a number, or use "
                                "data= for anything else", code="INVALID_ARGUMENT", field="value") from None
    if not math.isfinite(number):
        raise InvalidInputError(f"metric {name} is {number}; record a finite number, or the reason as data",
                                code="INVALID_ARGUMENT", field="value")
    body["value"] = number
    return body


def _file_name(instance: Instance) -> str:
    name = instance.provenance.get("fileName")
    # The name comes from whoever uploaded: accept a plain file name and nothing that could escape.
    if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        return DEFAULT_FILE_NAME
    return name


__all__ = ["RegistryApi", "RegistryList", "Project", "Model", "Artifact", "Instance", "Metric", "Event", "Lineage",
           "LineageNode", "FORMATS"]
