"""Deployments (named endpoints serving a model's instances), predictions through them, the prediction
log, and the online feature store that deployments join into rows. The Open Inference Protocol calls
come from `carrara.sdk.oip.InferenceApi`, which `DeploymentApi` extends.

    dep = client.deploy("trips", instance, log_sample_rate=0.1)   # waits until it is ready
    scored = dep.predict(frame)       # the input columns + the model's outputs, + error columns
    client.put_features("driver_stats", "d42", {"trips_7d": 12})
"""
from __future__ import annotations

import dataclasses
import html
import io
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import IO, Any, ClassVar, Dict, Iterator, List, Mapping, Optional, Sequence
from urllib.parse import quote

from carrara.sdk._core import (CHUNK_BYTES, DEFAULT_TIMEOUT_SECONDS, CarraraError, InvalidInputError, ResultList,
                               UnavailableError, check_limit, from_dict, html_table, json_value, object_id, object_name,
                               parse_time, progress_bar, record, require_pandas)
from carrara.sdk.oip import InferenceApi, InferenceResult, ModelMetadata, RowError, RowsNotScoredError

__all__ = ["DeploymentApi", "Deployment", "DeploymentRevision", "FeatureLookup", "LoggedPrediction",
           "PredictionLog", "PredictionResult", "RowError", "RowsNotScoredError", "FeatureEntity",
           "FeatureLoadReport", "FeatureLoadError"]

# Rows per predict request, as `carrara predict` sends them: large frames stay under the server's
# request limit (limits.maxRequestBytes, 1 MiB by default) and the progress bar moves.
PREDICT_BATCH_ROWS = 500
DEPLOY_TIMEOUT_SECONDS = 600.0
# The server's cap on one page of the prediction log.
MAX_LOGGED_PAGE = 10_000
# The columns `predict` adds to a DataFrame for rows that were not scored.
ERROR_COLUMNS = ("error", "error_code", "error_column", "skipped")


# ---------------------------------------------------------------- objects

@dataclasses.dataclass
class FeatureLookup:
    """Features of `group` joined into each row of a deployment, looked up by the row's `key` field."""
    group: str
    key: str
    features: List[str]

    def to_json(self) -> Dict[str, Any]:
        """The lookup as the deploy request takes it."""
        return {"group": self.group, "key": self.key, "features": list(self.features)}


@dataclasses.dataclass
class Deployment:
    """A deployment: its `name`, the `model` it serves, how rows are routed (`routing` "pinned" to one
    `instance`, or "partitioned" by the field `partition_by` over `instances` value -> instance id, else
    `default`), the online `features` joined into rows, `log_sample_rate` (share of predictions
    logged), `outputs` (the columns the model adds that it answers and logs; empty: all), its `revision`, who changed it last and when, `outcome` (only in a deploy's answer:
    created, updated or unchanged) and `status` ("ready", or "not ready: " and the server's reason, when
    it was asked; None if not).

    It calls its server back: `predict`, `infer`, `metadata`, `ready`, `history`, `logged_predictions`
    and `undeploy`."""
    name: str
    model: Optional[str] = None
    routing: Optional[str] = None
    instance: Optional[str] = None
    partition_by: Optional[str] = None
    instances: Optional[Dict[str, str]] = None
    default: Optional[str] = None
    features: List[FeatureLookup] = dataclasses.field(default_factory=list)
    missing_features: Optional[str] = None
    log_sample_rate: Optional[float] = None
    outputs: List[str] = dataclasses.field(default_factory=list)
    revision: Optional[int] = None
    updated_at: Optional[datetime] = None
    updated_by: Optional[str] = None
    outcome: Optional[str] = None
    status: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)
    # The client it came from: not a field, so that asdict(), equality and to_pandas() leave it out.
    _client: ClassVar[Any] = None

    def _api(self) -> DeploymentApi:
        if self._client is None:
            raise RuntimeError(f"deployment {self.name} was not read from a server; get it with client.deployment(name)")
        client: DeploymentApi = self._client
        return client

    def predict(self, rows: Any, *, instance: Any = None, progress: Optional[bool] = None) -> Any:
        """Scores rows with this deployment: see `Client.predict`."""
        return self._api().predict(self.name, rows, instance=instance, progress=progress)

    def infer(self, inputs: Any, *, protocol: str = "rest", version: Any = None,
              outputs: Optional[Sequence[str]] = None, id: Optional[str] = None) -> InferenceResult:
        """Scores tensors with this deployment over the Open Inference Protocol: see `Client.infer`."""
        return self._api().infer(self.name, inputs, protocol=protocol, version=version, outputs=outputs, id=id)

    def metadata(self, *, version: Any = None, protocol: str = "rest") -> ModelMetadata:
        """This deployment's inputs and outputs as OIP tensors: see `Client.model_metadata`."""
        return self._api().model_metadata(self.name, version=version, protocol=protocol)

    def ready(self) -> bool:
        """Asks the server whether this deployment serves now (and updates `status` with its reason)."""
        reason = self._api().model_ready_reason(self.name)
        self.status = _status(reason)
        return reason is None

    def history(self) -> ResultList[DeploymentRevision]:
        """Every revision of this deployment, oldest first: see `Client.history`."""
        return self._api().history(self.name)

    def logged_predictions(self, from_: Any = None, to: Any = None, limit: Optional[int] = None) -> PredictionLog:
        """This deployment's logged predictions: see `Client.logged_predictions`."""
        return self._api().logged_predictions(self.name, from_=from_, to=to, limit=limit)

    def undeploy(self) -> DeploymentRevision:
        """Removes this deployment (its history stays): see `Client.undeploy`."""
        return self._api().undeploy(self.name)

    def _repr_html_(self) -> str:
        if self.routing == "partitioned":
            routes = ", ".join(f"{value} → {instance}" for value, instance in (self.instances or {}).items())
            routing = f"by {self.partition_by}: {routes}; default {self.default}"
        else:
            routing = f"instance {self.instance}"
        status = self.status or "unknown (call ready())"
        lookups = "; ".join(f"{f.group} by {f.key}: {', '.join(f.features)}" for f in self.features) or "none"
        rows = [("name", self.name), ("model", self.model), ("routing", routing), ("status", status),
                ("revision", self.revision), ("log sample rate", self.log_sample_rate),
                ("outputs", ", ".join(self.outputs) or "every column the model adds"), ("features", lookups),
                ("missing features", self.missing_features), ("updated", f"{self.updated_at} by {self.updated_by}")]
        if self.outcome:
            rows.append(("outcome", self.outcome))
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in rows)
        return f"<table>{body}</table>"


@dataclasses.dataclass
class DeploymentRevision:
    """One change of a deployment's history: its `revision`, the `action` (created, updated, undeployed
    or refused), the configuration after it (for an undeploy the one removed, for a refused change the
    one refused), the fields it `changed`, who changed it and when, and the `reason` of a refusal."""
    name: str
    revision: int
    action: str
    model: Optional[str] = None
    routing: Optional[str] = None
    instance: Optional[str] = None
    partition_by: Optional[str] = None
    instances: Optional[Dict[str, str]] = None
    default: Optional[str] = None
    features: List[FeatureLookup] = dataclasses.field(default_factory=list)
    missing_features: Optional[str] = None
    log_sample_rate: Optional[float] = None
    outputs: List[str] = dataclasses.field(default_factory=list)
    changed: List[str] = dataclasses.field(default_factory=list)
    changed_at: Optional[datetime] = None
    changed_by: Optional[str] = None
    reason: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class LoggedPrediction:
    """A prediction sampled into the deployment's log: the `instance` that made it, its `input` (after the
    feature join) and `output` (the columns the model added), `latency_micros`, `created_at`, and the
    `format_version` of input and output (1: values as `carrara score` prints them, NaN as "NaN")."""
    id: str
    deployment: str
    instance: Optional[str] = None
    input: Dict[str, Any] = dataclasses.field(default_factory=dict)
    output: Dict[str, Any] = dataclasses.field(default_factory=dict)
    latency_micros: Optional[int] = None
    created_at: Optional[datetime] = None
    format_version: Optional[int] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


class PredictionLog(ResultList[LoggedPrediction]):
    """Logged predictions, oldest first. `to_pandas()` gives one row per prediction: id, deployment,
    instance, created_at, latency_micros, then the input's fields and the output's columns as columns
    of their own (an output column whose name an input field has is prefixed `output.`)."""

    def to_pandas(self) -> Any:
        """A DataFrame with one row per logged prediction, input fields and outputs as columns."""
        pandas = require_pandas("to_pandas()")
        rows = []
        for item in self:
            row: Dict[str, Any] = {"id": item.id, "deployment": item.deployment, "instance": item.instance,
                                   "created_at": item.created_at, "latency_micros": item.latency_micros}
            row.update(item.input)
            for name, value in item.output.items():
                row[f"output.{name}" if name in row else name] = value
            rows.append(row)
        return pandas.DataFrame(rows)


@dataclasses.dataclass
class PredictionResult:
    """The whole answer of a predict call, row by row: `rows` as the server answered them (the scored row
    — input fields plus the model's outputs —, `{"skipped": True}` for a row a skip stage dropped, or the
    row's error), `errors` each row's `RowError` or None, `instances` the instance that scored each row,
    and `prediction_ids` the id of each row sampled into the prediction log (None for the others)."""
    rows: List[Dict[str, Any]]
    errors: List[Optional[RowError]]
    instances: List[Optional[str]]
    prediction_ids: List[Optional[str]]

    @property
    def failed(self) -> int:
        """How many rows failed to score."""
        return sum(1 for error in self.errors if error is not None)

    @property
    def skipped(self) -> int:
        """How many rows a skip stage dropped."""
        return sum(1 for row in self.rows if row.get("skipped") is True and len(row) == 1)


@dataclasses.dataclass
class FeatureEntity:
    """The online features of one entity: `group`, `key`, and `features` name -> value."""
    group: str
    key: str
    features: Dict[str, Any] = dataclasses.field(default_factory=dict)

    def _repr_html_(self) -> str:
        return (f"<p>{html.escape(self.group)} / {html.escape(self.key)}</p>"
                + html_table([{"feature": k, "value": v} for k, v in self.features.items()], limit=500))


@dataclasses.dataclass
class FeatureLoadError:
    """A line of a bulk load that did not load: its `line` number, the `field` at fault, and why."""
    line: Optional[int]
    message: str
    field: Optional[str] = None


@dataclasses.dataclass
class FeatureLoadReport:
    """What a bulk load did: rows `loaded`, rows `failed`, and the first 1,000 `errors` (with
    `errors_truncated` when there were more)."""
    loaded: int
    failed: int
    errors: List[FeatureLoadError] = dataclasses.field(default_factory=list)
    errors_truncated: bool = False
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    def errors_to_pandas(self) -> Any:
        """The failed lines as a DataFrame (line, field, message)."""
        pandas = require_pandas("errors_to_pandas()")
        return pandas.DataFrame([record(error) for error in self.errors], columns=["line", "message", "field"])


# ---------------------------------------------------------------- the mixin

class DeploymentApi(InferenceApi):
    """Deployments, predictions, the prediction log and online features.

    These are methods of `Client`, which also has the Open Inference Protocol calls of `InferenceApi`."""

    # -- deployments

    def deploy(self, name: Any, instance: Any = None, *, model: Any = None, latest: bool = False,
               partition_by: Optional[str] = None, instances: Optional[Mapping[str, Any]] = None, default: Any = None,
               features: Optional[Sequence[Any]] = None, missing_features: Optional[str] = None,
               log_sample_rate: Optional[float] = None, outputs: Optional[Sequence[str]] = None, wait: bool = True,
               timeout: float = DEPLOY_TIMEOUT_SECONDS, progress: Optional[bool] = None) -> Deployment:
        """Creates the deployment `name`, or replaces its whole configuration as a new revision (options left
        out take their defaults, not the previous values); `name` may be a `Deployment`. Route one of three ways:

        - `instance`: every row to one instance (an `Instance` or its id);
        - `model="project/model"` (or a `Model`), `latest=True`: the model's newest instance that is not
          deprecated, resolved now;
        - `partition_by="city", instances={"nyc": inst1, "sf": inst2}, default=inst3`: by the row's value.

        features: lookups joined into each row, as `FeatureLookup`s or dicts {"group", "key", "features"}.
        missing_features: "null" (default) or "reject". log_sample_rate: share of predictions logged, 0 to 1.
        outputs: the columns the model adds that each row is answered and logged with, in this order (the input
        columns are always answered); default all of them. An instance that adds none of one is refused.

        The server loads every routed instance before it answers; with `wait` (default) this also waits,
        with a progress indicator, until the deployment reports ready. `timeout` bounds the whole call
        (the request and the wait together).
        Raises with the server's code and field: `NotFoundError` for an unknown instance (field `instance`,
        `default` or `instances.VALUE`), `InvalidInputError` `DEPLOYMENT_REFUSED` when an instance cannot
        load (the previous revision keeps serving); the built-in `TimeoutError` when `timeout` seconds pass
        first (the server goes on loading it: check `model_ready_reason(name)`, or deploy the same
        configuration again, which answers `unchanged` once it is in place).
        """
        name = object_name(name, "deployment")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise InvalidInputError(f"timeout must be a number of seconds above 0, not {timeout!r}",
                                    code="INVALID_ARGUMENT", field="timeout")
        body: Dict[str, Any] = {"name": name}
        if model is not None:
            body["model"] = str(model) if isinstance(model, str) else getattr(model, "full_name", None) or str(model)
        if instance is not None:
            body["instance"] = object_id(instance)
        if latest:
            body["latest"] = True
        if partition_by is not None:
            body["partitionBy"] = partition_by
        if instances is not None:
            body["instances"] = {str(value): object_id(routed) for value, routed in instances.items()}
        if default is not None:
            body["default"] = object_id(default)
        if features is not None:
            body["features"] = [_lookup_json(lookup) for lookup in features]
        if missing_features is not None:
            body["missingFeatures"] = missing_features
        if log_sample_rate is not None:
            body["logSampleRate"] = float(log_sample_rate)
        if outputs is not None:
            if isinstance(outputs, (str, bytes)):
                raise TypeError("outputs is a list of column names, e.g. ['probability', 'prediction'], not one string")
            body["outputs"] = list(outputs)
        # One deadline for the whole call: the request (the server loads the models before it answers,
        # which may take minutes) and then the wait until the deployment reports ready.
        deadline = time.monotonic() + timeout
        bar = progress_bar(None, f"deploying {name}", unit="check", enabled=self._progress_enabled(progress))
        try:
            try:
                answer = self._json("POST", "/api/v1/deployments", json_body=body, timeout=timeout)
            except UnavailableError as error:
                if error.code != "TIMEOUT":
                    raise
                raise TimeoutError(_deploy_timeout(name, timeout, "the server to answer the deploy request "
                                                                  "(it loads the deployment's models first)")) from None
            deployment = self._deployment(answer)
            if wait:
                bar.set_description(f"waiting for {name} to be ready")
                self._wait_ready(name, timeout, deadline, bar)
                deployment.status = _status(None)
            bar.set_description(f"{name} revision {deployment.revision} {deployment.outcome or 'deployed'}"
                                + (", ready" if deployment.status else ""))
        finally:
            bar.close()
        return deployment

    def _wait_ready(self, name: str, timeout: float, deadline: float, bar: Any) -> None:
        delay = 0.1
        while True:
            reason = self.model_ready_reason(name)
            bar.update(1)
            if reason is None:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(_deploy_timeout(name, timeout, f"it to be ready (last reason: {reason})"))
            time.sleep(min(delay, left))
            delay = min(delay * 2, 2.0)

    def deployments(self) -> ResultList[Deployment]:
        """Every current deployment, by name (`status` is not asked for; see `Deployment.ready`)."""
        return ResultList(self._deployment(item) for item in self._items("/api/v1/deployments"))

    def deployment(self, name: Any) -> Deployment:
        """The deployment `name` (a name or a `Deployment`, read again), with its `status` asked of the
        server; NotFoundError if there is none."""
        name = object_name(name, "deployment")
        deployment = self._deployment(self._json("GET", _deployment_path(name)))
        deployment.status = _status(self.model_ready_reason(name))
        return deployment

    def history(self, name: Any) -> ResultList[DeploymentRevision]:
        """Every revision of the deployment, oldest first, undeploys and refused changes included;
        NotFoundError if the name was never deployed."""
        return ResultList(_revision(item) for item in self._items(_deployment_path(name) + "/history"))

    def undeploy(self, name: Any) -> DeploymentRevision:
        """Removes the deployment and answers its `undeployed` revision; the history stays. NotFoundError if
        there is no such deployment."""
        return _revision(self._json("DELETE", _deployment_path(name)))

    def logged_predictions(self, name: Any, from_: Any = None, to: Any = None,
                           limit: Optional[int] = None) -> PredictionLog:
        """The deployment's predictions sampled into the prediction log (see `log_sample_rate`) in
        [from_, to) (datetimes or ISO-8601 strings; default the last 24 hours), oldest first: all of them
        (read page by page), or at most `limit`. The log is written in the background, so a prediction
        appears there a moment after it was made."""
        wanted = check_limit(limit)
        path = _deployment_path(name) + "/predictions"
        start = _instant(from_)
        end = _instant(to)
        seen: set = set()
        log = PredictionLog()
        while wanted is None or len(log) < wanted:
            size = MAX_LOGGED_PAGE if wanted is None else min(wanted - len(log), MAX_LOGGED_PAGE)
            page = self._items(path, params={"from": start, "to": end, "limit": size})
            fresh = [item for item in page if item.get("id") not in seen]
            for item in fresh:
                seen.add(item.get("id"))
                log.append(_logged(item))
            # The next page starts at the last one's time (inclusive, so ids seen are skipped); a short
            # page is the last one.
            if len(page) < size or not fresh:
                break
            start = page[-1].get("createdAt")
        if wanted is not None:
            del log[wanted:]
        return log

    # -- predictions

    def predict(self, name: Any, rows: Any, *, instance: Any = None, progress: Optional[bool] = None) -> Any:
        """Scores rows with the deployment `name` (POST /api/v1/deployments/{name}/predict), in batches of
        500 rows.

        rows: a pandas DataFrame, answered as a DataFrame with the same index: the input columns, then the
        model's outputs, then `error` (the message), `error_code` (e.g. `ROW_INVALID`), `error_column`
        and `skipped` — a row the server could not score keeps its place with its error there, and a row a
        skip stage dropped has `skipped` True; no row is left out. Or a list of dicts, answered as a list of
        dicts as the server gives them (the scored row, `{"skipped": True}`, or
        `{"error", "code", "message", "column", ...}`). Missing values (None, NaN, pd.NA) are sent as null,
        numpy values as their Python values. instance: pin one instance of the deployment's model.

        Raises NotFoundError for an unknown deployment, InvalidInputError naming the field for a request
        the server refuses, UnavailableError when the model is not loaded. `predict_result` answers the
        whole answer (instances, prediction ids, typed row errors).
        """
        if _is_dataframe(rows):
            taken = [column for column in ERROR_COLUMNS if column in {str(c) for c in rows.columns}]
            if taken:
                raise InvalidInputError(f"the DataFrame already has the column(s) {', '.join(taken)}, which predict() "
                                        "adds; rename them, or use predict_result()", code="INVALID_ARGUMENT",
                                        field="rows")
            result = self.predict_result(name, rows, instance=instance, progress=progress)
            return _scored_frame(rows, result)
        return self.predict_result(name, rows, instance=instance, progress=progress).rows

    def predict_result(self, name: Any, rows: Any, *, instance: Any = None,
                       progress: Optional[bool] = None) -> PredictionResult:
        """Scores rows (a DataFrame or a list of dicts) as `predict` does, and answers every part of the
        server's answer: the rows, each row's `RowError` or None, the instance of each row and the
        prediction-log ids."""
        deployment = object_name(name, "deployment")
        records = _records(rows)
        pinned = object_id(instance) if instance is not None else None
        result = PredictionResult(rows=[], errors=[], instances=[], prediction_ids=[])
        batches = range(0, len(records), PREDICT_BATCH_ROWS)
        bar = progress_bar(len(records), f"predicting with {deployment}", unit="row",
                           enabled=self._progress_enabled(progress) and len(batches) > 1)
        try:
            for start in batches:
                batch = records[start:start + PREDICT_BATCH_ROWS]
                body: Dict[str, Any] = {"rows": batch}
                if pinned is not None:
                    body["instance"] = pinned
                answer = self._json("POST", _deployment_path(deployment) + "/predict", json_body=body)
                predictions = list(answer.get("predictions") or [])
                if len(predictions) != len(batch):
                    raise CarraraError(f"the server answered {len(predictions)} predictions for {len(batch)} rows",
                                       code="BAD_RESPONSE")
                instances = answer.get("instances") or [answer.get("instance")] * len(batch)
                ids = answer.get("predictionIds") or [None] * len(batch)
                for offset, prediction in enumerate(predictions):
                    prediction = dict(prediction) if isinstance(prediction, dict) else {"value": prediction}
                    result.rows.append(prediction)
                    result.errors.append(RowError.from_body(prediction, start + offset)
                                         if _is_row_error(prediction) else None)
                    result.instances.append(instances[offset] if offset < len(instances) else None)
                    result.prediction_ids.append(ids[offset] if offset < len(ids) else None)
                bar.update(len(batch))
        finally:
            bar.close()
        return result

    # -- online features

    def put_features(self, group: str, key: str, values: Mapping[str, Any]) -> FeatureEntity:
        """Merges `values` (feature name -> number, string, boolean, flat list of those) into the entity `key`
        of `group`; a None value removes that feature. Answers the entity after the merge. InvalidInputError
        names the feature at fault (a nested object, an invalid name)."""
        if not isinstance(values, Mapping):
            raise TypeError("values must be a dict of feature name to value")
        path = _feature_path(group, key)
        body = {str(k): json_value(v, str(k)) for k, v in values.items()}
        return _entity(self._json("PUT", path, json_body=body))

    def features(self, group: str, key: str, names: Optional[Sequence[str]] = None) -> FeatureEntity:
        """The entity's features: all of them, or those in `names` (a missing one is None). NotFoundError
        when the key has none."""
        params = {"features": ",".join(names)} if names else None
        return _entity(self._json("GET", _feature_path(group, key), params=params))

    def delete_features(self, group: str, key: str) -> None:
        """Removes the entity and all its features; NotFoundError when the key has none."""
        self._request("DELETE", _feature_path(group, key))

    def load_features(self, group: str, source: Any, key: str, format: Optional[str] = None, *,
                      progress: Optional[bool] = None) -> FeatureLoadReport:
        """Bulk-loads features into `group`, `key` naming the column that holds each row's entity key.

        source: a .csv or .jsonl file (the format from its extension, else pass format="csv" or "jsonl"),
        streamed with a progress bar; or a pandas DataFrame, sent as JSON Lines, where a missing value
        (None, NaN) leaves that feature as it is (as an empty CSV cell does; remove one with put_features).
        Bad rows do not stop the load: the report counts and lists them with their line numbers. A CSV
        header without the key column or an invalid feature name answers InvalidInputError and loads
        nothing."""
        _check_group(group)
        if _is_dataframe(source):
            if key not in source.columns:
                raise InvalidInputError(f"the DataFrame has no column {key!r} to take the keys from; its columns are "
                                        f"{', '.join(map(str, source.columns))}", code="INVALID_ARGUMENT", field="key")
            content = _frame_jsonl(source)
            stream: IO[bytes] = io.BytesIO(content)
            size = len(content)
            chosen = "jsonl"
            description = f"loading {len(source)} rows into {group}"
        elif isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if not path.is_file():
                raise InvalidInputError(f"no such file {path}; check the path", code="INVALID_ARGUMENT", field="source")
            chosen = (format or _format_of(path)).lower()
            if chosen not in ("csv", "jsonl"):
                raise InvalidInputError(f"format {chosen!r} is not csv or jsonl", code="INVALID_ARGUMENT",
                                        field="format")
            stream = open(path, "rb")
            size = path.stat().st_size
            description = f"loading {path.name}"
        else:
            raise TypeError(f"source must be a file path or a pandas DataFrame, not {type(source).__name__}")
        bar = progress_bar(size, description, enabled=self._progress_enabled(progress))

        def chunks() -> Iterator[bytes]:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                bar.update(len(chunk))
                yield chunk

        try:
            answer = self._json("POST", f"/api/v1/features/{quote(group, safe='')}", params={"key": key, "format": chosen},
                                content=chunks(), headers={"Content-Type": "application/octet-stream",
                                                           "Content-Length": str(size)},
                                timeout=max(DEFAULT_TIMEOUT_SECONDS, size / (1024 * 1024)))
        finally:
            bar.close()
            stream.close()
        errors = [FeatureLoadError(line=e.get("line"), message=str(e.get("message") or ""), field=e.get("field"))
                  for e in answer.get("errors") or []]
        return FeatureLoadReport(loaded=int(answer.get("loaded") or 0), failed=int(answer.get("failed") or 0),
                                 errors=errors, errors_truncated=bool(answer.get("errorsTruncated")),
                                 extra={k: v for k, v in answer.items()
                                        if k not in ("loaded", "failed", "errors", "errorsTruncated")})

    # -- helpers

    def _deployment(self, body: Mapping[str, Any]) -> Deployment:
        deployment = from_dict(Deployment, body)
        deployment.features = [_lookup(item) for item in body.get("features") or []]
        deployment.outputs = [str(column) for column in body.get("outputs") or []]
        deployment.updated_at = parse_time(body.get("updatedAt"))
        object.__setattr__(deployment, "_client", self)
        return deployment


# ---------------------------------------------------------------- conversions

def _status(reason: Optional[str]) -> str:
    return "ready" if reason is None else f"not ready: {reason}"


def _is_row_error(prediction: Mapping[str, Any]) -> bool:
    # A row error has "error" (the message, as servers before the error protocol wrote it) and the code;
    # a scored row has the input fields and the model's columns.
    return "error" in prediction and ("code" in prediction or "message" in prediction or len(prediction) == 1)


def _deploy_timeout(name: str, timeout: float, waited_for: str) -> str:
    return (f"deployment {name} is not deployed after {timeout:g} s of waiting for {waited_for}; the server goes on "
            f"loading it: check client.model_ready_reason({name!r}) or client.history({name!r}), or deploy the same "
            "configuration again with a longer timeout= (it answers 'unchanged' once it is in place)")


def _deployment_path(name: Any) -> str:
    """The path of a deployment given as itself or as its name."""
    return f"/api/v1/deployments/{quote(object_name(name, 'deployment'), safe='')}"


def _check_group(group: Any) -> str:
    if not isinstance(group, str):
        raise TypeError(f"the feature group is a name (str), not {type(group).__name__}")
    if not group:
        raise InvalidInputError("the feature group is empty; name the group", code="INVALID_ARGUMENT", field="group")
    return group


def _feature_path(group: str, key: Any) -> str:
    _check_group(group)
    if key is None or str(key) == "":
        raise InvalidInputError("the feature key is empty; name the entity", code="INVALID_ARGUMENT", field="key")
    return f"/api/v1/features/{quote(group, safe='')}/{quote(str(key), safe='')}"


def _lookup(body: Mapping[str, Any]) -> FeatureLookup:
    return FeatureLookup(group=str(body.get("group")), key=str(body.get("key")),
                         features=[str(f) for f in body.get("features") or []])


def _lookup_json(lookup: Any) -> Dict[str, Any]:
    if isinstance(lookup, FeatureLookup):
        return lookup.to_json()
    if isinstance(lookup, Mapping):
        return {"group": lookup.get("group"), "key": lookup.get("key"), "features": list(lookup.get("features") or [])}
    raise TypeError(f"a feature lookup is a FeatureLookup or a dict {{group, key, features}}, not {type(lookup).__name__}")


def _revision(body: Mapping[str, Any]) -> DeploymentRevision:
    revision = from_dict(DeploymentRevision, body)
    revision.features = [_lookup(item) for item in body.get("features") or []]
    revision.outputs = [str(column) for column in body.get("outputs") or []]
    revision.changed = list(body.get("changed") or [])
    revision.changed_at = parse_time(body.get("changedAt"))
    return revision


def _logged(body: Mapping[str, Any]) -> LoggedPrediction:
    prediction = from_dict(LoggedPrediction, body)
    prediction.input = dict(body.get("input") or {})
    prediction.output = dict(body.get("output") or {})
    prediction.created_at = parse_time(body.get("createdAt"))
    return prediction


def _entity(body: Mapping[str, Any]) -> FeatureEntity:
    return FeatureEntity(group=str(body.get("group")), key=str(body.get("key")), features=dict(body.get("features") or {}))


def _instant(value: Any) -> Optional[str]:
    """An ISO-8601 instant for a query parameter: a datetime (naive ones are taken as UTC) or a string."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        from datetime import timezone
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError(f"expected a datetime or an ISO-8601 string, got {type(value).__name__}")


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise InvalidInputError(f"cannot tell the format of {path} from its name; pass format='jsonl' or format='csv'",
                            code="INVALID_ARGUMENT", field="format")


def _is_dataframe(value: Any) -> bool:
    return type(value).__name__ == "DataFrame" and hasattr(value, "columns") and hasattr(value, "to_dict")


def _records(rows: Any) -> List[Dict[str, Any]]:
    """The rows as JSON objects: a DataFrame's records, or a list of dicts, with every value made JSON."""
    if _is_dataframe(rows):
        columns = [str(c) for c in rows.columns]
        duplicates = sorted({column for column in columns if columns.count(column) > 1})
        if duplicates:
            raise InvalidInputError(f"the DataFrame has duplicate column names ({', '.join(duplicates)}); a row is a "
                                    "JSON object, so names must differ", code="INVALID_ARGUMENT", field="rows")
        return [{column: json_value(value, f"row {index} column {column}")
                 for column, value in zip(columns, values)}
                for index, values in enumerate(rows.itertuples(index=False, name=None))]
    if isinstance(rows, Mapping) or isinstance(rows, (str, bytes)):
        raise TypeError("rows must be a pandas DataFrame or a list of dicts (one dict per row)")
    records = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise TypeError(f"row {index} is a {type(row).__name__}, not a dict of column to value")
        records.append({str(k): json_value(v, f"row {index} column {k}") for k, v in row.items()})
    return records


def _frame_jsonl(frame: Any) -> bytes:
    lines = []
    columns = [str(c) for c in frame.columns]
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        row = {}
        for column, value in zip(columns, values):
            converted = json_value(value, f"row {index} column {column}")
            if converted is not None:
                row[column] = converted
        lines.append(json.dumps(row, allow_nan=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _scored_frame(frame: Any, result: PredictionResult) -> Any:
    """The input frame (same index, same dtypes) with the model's outputs and the error columns added."""
    pandas = require_pandas("predict() with a DataFrame")
    inputs = {str(c) for c in frame.columns}
    outputs: Dict[str, None] = {}
    for row, error in zip(result.rows, result.errors):
        if error is None and not (row.get("skipped") is True and len(row) == 1):
            for column in row:
                if column not in inputs:
                    outputs.setdefault(column, None)
    for column in ERROR_COLUMNS:
        if column in outputs:
            raise CarraraError(f"the model's output has a column {column!r}, which predict() adds; use "
                               "predict_result() for this deployment", code="COLUMN_CONFLICT")
    columns: Dict[str, List[Any]] = {column: [] for column in [*outputs, *ERROR_COLUMNS]}
    for row, error in zip(result.rows, result.errors):
        skipped = error is None and row.get("skipped") is True and len(row) == 1
        for column in outputs:
            columns[column].append(None if error is not None or skipped else row.get(column))
        columns["error"].append(error.message if error else None)
        columns["error_code"].append(error.code if error else None)
        columns["error_column"].append(error.column if error else None)
        columns["skipped"].append(skipped)
    added = pandas.DataFrame(columns, index=frame.index)
    added["skipped"] = added["skipped"].astype(bool)
    return pandas.concat([frame, added], axis=1)
