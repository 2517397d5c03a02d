"""Tables, batch predictions and workflows on the server's Spark.

The server runs Spark in-process with a catalog of tables under its home: `import_table` loads a CSV
or JSON Lines file (or a pandas DataFrame) into a table, `rows` and `download_rows` read one back,
`batch_predict` scores a query's rows into the execution date's partition of an output table, and
workflows chain SQL and predict steps for an execution date. Jobs and runs are followed with
`wait()`, which drives a progress bar and raises `JobFailedError` with the server's reason.
"""
from __future__ import annotations

import dataclasses
import datetime
import html
import json
import math
import os
import re
import tempfile
import time
from pathlib import Path
from typing import (IO, Any, Callable, ClassVar, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple,
                    Union)

import httpx

from carrara.sdk._core import (InvalidInputError, JobFailedError, ResultList, Transport, UnavailableError,
                               check_limit, error_from_response, from_dict, html_table, json_value, object_id,
                               object_name, parse_time, progress_bar, read_with_progress, require_pandas)

DateLike = Union[datetime.date, str]

#: Seconds between two status checks while waiting for a job or a run (the Java CLI's 500 ms).
DEFAULT_POLL_SECONDS = 0.5
#: How long a table call that reads or writes a whole table (import, count, rows) may wait for its answer.
TABLE_TIMEOUT_SECONDS = 3600.0

_TABLE_NAME = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*\Z")
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_OBJECT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}\Z")
_MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}
_FINISHED = ("succeeded", "failed")


class _Outcome:
    """What a batch job and a workflow run share: a status that ends `succeeded` or `failed`
    (a failed run may be retried; a cancelled job is failed with the code `CANCELLED`)."""

    status: str

    @property
    def finished(self) -> bool:
        """Succeeded or failed: its state will not change any more (a failed run's until a retry)."""
        return self.status in _FINISHED

    @property
    def succeeded(self) -> bool:
        """True once it has succeeded (a run: every step)."""
        return self.status == "succeeded"

    @property
    def failed(self) -> bool:
        """True once it has failed for good."""
        return self.status == "failed"

    def _poll_until_finished(self, refresh: Callable[[], Any], bar: Any, show: Callable[[Any, Any], None],
                             timeout: Optional[float], poll_interval: float, still: str) -> None:
        """Refreshes (reads itself again from its server) every `poll_interval` seconds, showing each state on `bar`, until finished; raises
        the built-in TimeoutError (with this object as `job`) when `timeout` seconds pass first. `still`
        says what goes on and how to follow it, after "<what> is still <status> after <timeout> s"."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                show(bar, self)
                if self.finished:
                    return
                if deadline is not None and time.monotonic() >= deadline:
                    raise _timeout(still.format(status=self.status, timeout=timeout), self)
                time.sleep(poll_interval if deadline is None else max(0.0, min(poll_interval,
                                                                              deadline - time.monotonic())))
                refresh()
        finally:
            bar.close()


# ---------------------------------------------------------------- small helpers

def _check_table(name: Any, field: str = "table") -> str:
    """A table name is checked here before it goes into a URL path, so a typo is reported as what it is
    and not as a 404 of some other endpoint."""
    if not isinstance(name, str) or not _TABLE_NAME.match(name):
        raise InvalidInputError(f"{field} {name!r} is not a table name like ml.trips (letters, digits and _, starting "
                                "with a letter or _)", code="INVALID_ARGUMENT", field=field)
    return name


def _check_name(name: Any, what: str, field: str = "name") -> str:
    if not isinstance(name, str) or not _OBJECT_NAME.match(name):
        raise InvalidInputError(f"{what} name {name!r} is not a name of 1-128 letters, digits, _ . and -, starting with "
                                "a letter or digit", code="INVALID_ARGUMENT", field=field)
    return name


def _date_text(value: DateLike, field: str) -> str:
    """A date as the API writes it, YYYY-MM-DD. Text is passed on as given: the server checks it and names
    the field when it is not a date."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"{field} must be a datetime.date or a 'YYYY-MM-DD' string, got {type(value).__name__}")


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _format_of(path: Path, field: str) -> str:
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise InvalidInputError(f"cannot tell the format of {path} from its name; pass format='csv' or format='jsonl'",
                            code="INVALID_ARGUMENT", field=field)


def _check_format(value: str, field: str = "format") -> str:
    lowered = value.lower()
    if lowered in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if lowered == "csv":
        return "csv"
    raise InvalidInputError(f"format {value!r} is not csv or jsonl", code="INVALID_ARGUMENT", field=field)


def _key_value_html(title: str, pairs: Sequence[Tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(key)}</th><td style='text-align:left'>"
                   f"{html.escape('' if value is None else str(value))}</td></tr>"
                   for key, value in pairs if value is not None)
    return f"<div><strong>{html.escape(title)}</strong><table>{rows}</table></div>"


def _columns_html(columns: Sequence["TableColumn"]) -> str:
    return html_table([{"column": c.name, "type": c.type, "nullable": "yes" if c.nullable else "no",
                        "partition": "yes" if c.partition else "no"} for c in columns], limit=500)


def _duration(seconds: Optional[float]) -> Optional[str]:
    if seconds is None:
        return None
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def _elapsed(started: Optional[datetime.datetime], finished: Optional[datetime.datetime]) -> Optional[float]:
    if started is None:
        return None
    end = finished or datetime.datetime.now(datetime.timezone.utc)
    return max(0.0, (end - started).total_seconds())


# ---------------------------------------------------------------- tables

@dataclasses.dataclass
class TableColumn:
    """A column of a Spark table: its name, Spark SQL type (`string`, `bigint`, `array<double>`, ...),
    whether it may hold nulls and whether it partitions the table."""
    name: str
    type: str
    nullable: bool = True
    partition: bool = False


def _columns(values: Any) -> List[TableColumn]:
    return [from_dict(TableColumn, value) for value in values or []]


@dataclasses.dataclass
class ImportResult:
    """What a table import did: the rows read from the file, the rows the table holds now (more than
    imported when appending) and the table's columns."""
    table: str
    rows_imported: int
    rows_in_table: int
    columns: List[TableColumn] = dataclasses.field(default_factory=list)
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ImportResult":
        """An ImportResult from the server's JSON."""
        result = from_dict(cls, data)
        result.columns = _columns(data.get("columns"))
        return result

    def _repr_html_(self) -> str:
        return (_key_value_html(f"imported into {self.table}", [("rows imported", self.rows_imported),
                                                                ("rows in table", self.rows_in_table)])
                + _columns_html(self.columns))


@dataclasses.dataclass
class TableSummary:
    """A table of the server's Spark catalog: `database.table` and `MANAGED`, `EXTERNAL` or `VIEW`."""
    name: str
    type: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class TableDescription:
    """A table's type, columns and partition columns; `rows` is its row count when it was asked for
    (`table(name, count_rows=True)`), else None."""
    name: str
    type: Optional[str] = None
    columns: List[TableColumn] = dataclasses.field(default_factory=list)
    partition_columns: List[str] = dataclasses.field(default_factory=list)
    rows: Optional[int] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "TableDescription":
        """A TableDescription from the server's JSON."""
        description = from_dict(cls, data)
        description.columns = _columns(data.get("columns"))
        description.partition_columns = list(data.get("partitionColumns") or [])
        return description

    @property
    def column_names(self) -> List[str]:
        """The names of the columns, in the table's order."""
        return [column.name for column in self.columns]

    def to_pandas(self) -> Any:
        """The columns as a DataFrame (name, type, nullable, partition); pandas needed."""
        pandas = require_pandas("to_pandas()")
        return pandas.DataFrame([dataclasses.asdict(column) for column in self.columns],
                                columns=["name", "type", "nullable", "partition"])

    def _repr_html_(self) -> str:
        return (_key_value_html(f"table {self.name}", [("type", self.type),
                                                       ("partition columns", ", ".join(self.partition_columns) or None),
                                                       ("rows", self.rows)])
                + _columns_html(self.columns))


# ---------------------------------------------------------------- batch jobs

@dataclasses.dataclass
class BatchProgress:
    """Where a running job is: its `phase` (`queued`, `fetching model`, `starting spark`, `running`,
    `done`, `failed`) and the Spark tasks completed of those started so far (`tasks_total` grows as
    the job moves from scoring to writing)."""
    phase: Optional[str] = None
    tasks_completed: int = 0
    tasks_total: int = 0


@dataclasses.dataclass
class BatchResult:
    """What a finished job did: rows read = rows scored + skipped + failed; rows written to the output
    and error rows written to `<output>_errors`."""
    rows_read: int = 0
    rows_scored: int = 0
    rows_skipped: int = 0
    rows_failed: int = 0
    rows_written: int = 0
    error_rows_written: int = 0
    scored_at: Optional[datetime.datetime] = None
    elapsed_millis: int = 0
    output: Optional[str] = None
    errors: Optional[str] = None
    execution_date: Optional[Any] = None
    model: Optional[str] = None
    instance: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class BatchError:
    """Why a job failed: the server's error `code`, its `message`, the request `field` at fault
    (e.g. `query`) when there is one, the error's `number` and `type` when the server gives them, and
    any other keys of the server's error in `extra`."""
    code: Optional[str] = None
    message: Optional[str] = None
    field: Optional[str] = None
    number: Optional[int] = None
    type: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class BatchJob(_Outcome):
    """A batch prediction on the server's Spark. `status` goes `queued`, `running`, then `succeeded`
    (with a `result` of row counts) or `failed` (with an `error`); `progress` follows it meanwhile.
    `errors` is the table receiving the rows the model rejected or skipped; `workflow_run` and `step`
    are set when a workflow ran the job. `wait()` follows it to its end, `refresh()` fetches its state
    now, `cancel()` stops it."""
    id: str
    status: str
    model: Optional[str] = None
    instance: Optional[str] = None
    deployment: Optional[str] = None
    query: Optional[str] = None
    output: Optional[str] = None
    errors: Optional[str] = None
    execution_date: Optional[Any] = None
    columns: List[str] = dataclasses.field(default_factory=list)
    progress: Optional[BatchProgress] = None
    result: Optional[BatchResult] = None
    error: Optional[BatchError] = None
    submitted_at: Optional[datetime.datetime] = None
    submitted_by: Optional[str] = None
    started_at: Optional[datetime.datetime] = None
    finished_at: Optional[datetime.datetime] = None
    workflow_run: Optional[str] = None
    step: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    # The client the job was read through (not a dataclass field: asdict and to_pandas leave it out).
    _client: ClassVar[Optional["BatchApi"]] = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], client: Optional["BatchApi"] = None) -> "BatchJob":
        """A BatchJob from the server's JSON; `client` is what `wait`, `refresh` and `cancel` call."""
        job = from_dict(cls, data)
        job.columns = list(data.get("columns") or [])
        job.execution_date = _parse_date(data.get("executionDate"))
        job.progress = from_dict(BatchProgress, data["progress"]) if isinstance(data.get("progress"), dict) else None
        if isinstance(data.get("result"), dict):
            result = from_dict(BatchResult, data["result"])
            result.scored_at = parse_time(data["result"].get("scoredAt"))
            result.execution_date = _parse_date(data["result"].get("executionDate"))
            job.result = result
        else:
            job.result = None
        job.error = from_dict(BatchError, data["error"]) if isinstance(data.get("error"), dict) else None
        job.submitted_at = parse_time(data.get("submittedAt"))
        job.started_at = parse_time(data.get("startedAt"))
        job.finished_at = parse_time(data.get("finishedAt"))
        object.__setattr__(job, "_client", client)
        return job

    @property
    def elapsed_seconds(self) -> Optional[float]:
        """How long the job ran: the result's own figure, else from start to finish (or to now)."""
        if self.result is not None and self.result.elapsed_millis:
            return self.result.elapsed_millis / 1000.0
        return _elapsed(self.started_at, self.finished_at)

    def _api(self) -> "BatchApi":
        if self._client is None:
            raise RuntimeError(f"batch job {self.id} was not read through a client; use client.batch_job(id)")
        return self._client

    def refresh(self) -> "BatchJob":
        """Fetches the job's state now (GET /api/v1/batch/jobs/{id}) into this object, and answers it."""
        fresh = self._api().batch_job(self.id)
        self._take(fresh)
        return self

    def _take(self, other: "BatchJob") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(other, field.name))

    def cancel(self) -> "BatchJob":
        """Asks the server to cancel the job: a queued job will not run, a running one has its Spark jobs
        cancelled; it ends `failed` with the code `CANCELLED` and writes no partition. Raises
        `InvalidInputError` (400) when the job has already finished."""
        self._take(self._api().cancel_batch_job(self.id))
        return self

    def wait(self, timeout: Optional[float] = None, progress: Optional[bool] = None,
             poll_interval: float = DEFAULT_POLL_SECONDS) -> "BatchJob":
        """Waits until the job finishes, polling it every `poll_interval` seconds with a progress bar of
        its Spark tasks and its phase, and answers it with its row counts in `result`.

        Raises `JobFailedError` when it failed, with the server's error `code`, `field` and message and
        the final job as `error.job`; the built-in `TimeoutError` when `timeout` seconds pass first, with
        the job as its `job` attribute (the job goes on: wait again, or `cancel()` it). Interrupting the wait (Ctrl-C) stops waiting, not the job."""
        api = self._api()
        bar = progress_bar(None, f"batch {self.id[:8]}", unit="task", enabled=api._progress_enabled(progress))
        self._poll_until_finished(self.refresh, bar, _show_job, timeout, poll_interval,
                                  f"batch job {self.id} is still {{status}} after {{timeout}} s; it goes on: "
                                  "wait again with job.wait(), or stop it with job.cancel()")
        if self.failed:
            raise _job_failure(self)
        return self

    def rows(self, where: Optional[str] = None, limit: Optional[int] = None) -> Any:
        """The rows this job wrote: the execution date's partition of its output table, as a DataFrame
        (pandas needed); `where` narrows them further with a Spark SQL condition; `limit` as for
        `client.rows`."""
        check_limit(limit)
        if self.output is None or self.execution_date is None:
            raise InvalidInputError(f"batch job {self.id} names no output table or execution date",
                                    code="INVALID_ARGUMENT", field="output")
        condition = f"execution_date = '{_date_text(self.execution_date, 'execution_date')}'"
        if where:
            condition = f"({condition}) AND ({where})"
        return self._api().rows(self.output, where=condition, limit=limit)

    def _repr_html_(self) -> str:
        pairs: List[Tuple[str, Any]] = [("status", self.status), ("model", self.model), ("instance", self.instance),
                                        ("deployment", self.deployment), ("execution date", self.execution_date),
                                        ("query", self.query), ("output", self.output), ("errors", self.errors)]
        if self.workflow_run:
            pairs += [("workflow run", self.workflow_run), ("step", self.step)]
        if not self.finished and self.progress is not None:
            tasks = (f" ({self.progress.tasks_completed}/{self.progress.tasks_total} tasks)"
                     if self.progress.tasks_total else "")
            pairs.append(("progress", f"{self.progress.phase}{tasks}"))
        if self.result is not None:
            pairs += [("rows read", self.result.rows_read), ("rows scored", self.result.rows_scored),
                      ("rows skipped", self.result.rows_skipped), ("rows failed", self.result.rows_failed),
                      ("rows written", self.result.rows_written),
                      ("error rows written", self.result.error_rows_written)]
        if self.error is not None:
            pairs.append(("error", f"{self.error.code}: {self.error.message}"
                          + (f" (field {self.error.field})" if self.error.field else "")))
        pairs += [("submitted", f"{self.submitted_at} by {self.submitted_by}"),
                  ("elapsed", _duration(self.elapsed_seconds))]
        return _key_value_html(f"batch job {self.id}", pairs)


def _timeout(message: str, job: Any) -> TimeoutError:
    """The built-in TimeoutError for a wait that ran out of time, with what was waited for as `job`."""
    error = TimeoutError(message)
    setattr(error, "job", job)
    return error


def _show_job(bar: Any, job: BatchJob) -> None:
    progress = job.progress
    phase = progress.phase if progress is not None and progress.phase else job.status
    if progress is not None and progress.tasks_total > 0:
        # Setting the total and the count (rather than adding to them) copes with a total that grows
        # as the job moves from scoring to writing: the bar steps back rather than overflowing.
        if bar.total != progress.tasks_total:
            bar.total = progress.tasks_total
        bar.n = min(progress.tasks_completed, progress.tasks_total)
    if job.succeeded and bar.total:
        bar.n = bar.total
    bar.set_postfix_str(phase, refresh=False)
    bar.refresh()


def _failed_error(message: str, job: Any, error: Optional[BatchError]) -> JobFailedError:
    """A JobFailedError carrying the server's code, field, number and type of a job's error."""
    if error is None:
        return JobFailedError(message, job=job)
    failure = JobFailedError(message, job=job, code=error.code or "JOB_FAILED", field=error.field)
    failure.number = error.number if isinstance(error.number, int) else None
    failure.type = error.type
    return failure


def _job_failure(job: BatchJob) -> JobFailedError:
    if job.error is None:
        return JobFailedError(f"batch job {job.id} failed and the server gave no reason; see its log", job=job)
    # str(error) adds the field to the message.
    return _failed_error(f"batch job {job.id} failed: {job.error.message}", job, job.error)


# ---------------------------------------------------------------- workflows

@dataclasses.dataclass
class Workflow:
    """A workflow registered with the server: its YAML `definition`, and the cron `schedule` (UTC) the
    server's scheduler runs it on with its `next_run_at` (both None for one run only on demand)."""
    name: str
    schedule: Optional[str] = None
    definition: Optional[str] = None
    registered_at: Optional[datetime.datetime] = None
    registered_by: Optional[str] = None
    next_run_at: Optional[datetime.datetime] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Workflow":
        """A Workflow from the server's JSON."""
        workflow = from_dict(cls, data)
        workflow.registered_at = parse_time(data.get("registeredAt"))
        workflow.next_run_at = parse_time(data.get("nextRunAt"))
        return workflow

    def _repr_html_(self) -> str:
        pairs = [("schedule", self.schedule or "none (runs only on demand)"), ("next run at", self.next_run_at),
                 ("registered", f"{self.registered_at} by {self.registered_by}")]
        definition = html.escape(self.definition or "")
        return _key_value_html(f"workflow {self.name}", pairs) + f"<pre>{definition}</pre>"


@dataclasses.dataclass
class WorkflowStep:
    """One step of a run: `kind` `sql` or `predict`, `status` `pending`, `running`, `succeeded` or
    `failed`, the tries so far, the rows it wrote, and for a predict step the `batch_job` that scored it."""
    name: str
    kind: Optional[str] = None
    output: Optional[str] = None
    status: Optional[str] = None
    attempts: int = 0
    started_at: Optional[datetime.datetime] = None
    finished_at: Optional[datetime.datetime] = None
    rows_written: Optional[int] = None
    batch_job: Optional[str] = None
    error: Optional[str] = None
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class WorkflowRun(_Outcome):
    """A run of a workflow for an execution date: its `status` (`queued`, `running`, `succeeded`,
    `failed`), the input `window` its SQL saw (`{"start", "end"}`), its `steps`, and the `error` of a
    failed run. `wait()` follows it to its end; `retry()` runs its failed steps again."""
    id: str
    status: str
    workflow: Optional[str] = None
    execution_date: Optional[Any] = None
    trigger: Optional[str] = None
    instance: Optional[str] = None
    window: Optional[Dict[str, Any]] = None
    created_at: Optional[datetime.datetime] = None
    created_by: Optional[str] = None
    started_at: Optional[datetime.datetime] = None
    finished_at: Optional[datetime.datetime] = None
    error: Optional[str] = None
    steps: List[WorkflowStep] = dataclasses.field(default_factory=list)
    extra: Dict[str, Any] = dataclasses.field(default_factory=dict)

    _client: ClassVar[Optional["BatchApi"]] = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], client: Optional["BatchApi"] = None) -> "WorkflowRun":
        """A WorkflowRun from the server's JSON; `client` is what `wait`, `refresh` and `retry` call."""
        run = from_dict(cls, data)
        run.execution_date = _parse_date(data.get("executionDate"))
        run.created_at = parse_time(data.get("createdAt"))
        run.started_at = parse_time(data.get("startedAt"))
        run.finished_at = parse_time(data.get("finishedAt"))
        steps = []
        for value in data.get("steps") or []:
            step = from_dict(WorkflowStep, value)
            step.started_at = parse_time(value.get("startedAt"))
            step.finished_at = parse_time(value.get("finishedAt"))
            steps.append(step)
        run.steps = steps
        object.__setattr__(run, "_client", client)
        return run

    @property
    def failed_step(self) -> Optional[WorkflowStep]:
        """The step that failed, if one did."""
        return next((step for step in self.steps if step.status == "failed"), None)

    @property
    def elapsed_seconds(self) -> Optional[float]:
        """From start to finish, or to now while running; None before it starts."""
        return _elapsed(self.started_at, self.finished_at)

    def step(self, name: str) -> WorkflowStep:
        """The step of that name; KeyError names the steps there are."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(f"run {self.id} has no step {name!r}; its steps are {[s.name for s in self.steps]}")

    def _api(self) -> "BatchApi":
        if self._client is None:
            raise RuntimeError(f"workflow run {self.id} was not read through a client; use client.workflow_run(id)")
        return self._client

    def _take(self, other: "WorkflowRun") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(other, field.name))

    def refresh(self) -> "WorkflowRun":
        """Fetches the run's state now into this object, and answers it."""
        self._take(self._api().workflow_run(self.id))
        return self

    def retry(self) -> "WorkflowRun":
        """Runs again the steps of this failed run that did not succeed; answers the queued run
        (follow it with `wait()`)."""
        self._take(self._api().retry_run(self.id))
        return self

    def wait(self, timeout: Optional[float] = None, progress: Optional[bool] = None,
             poll_interval: float = DEFAULT_POLL_SECONDS) -> "WorkflowRun":
        """Waits until the run finishes, polling it every `poll_interval` seconds with a progress bar of
        its steps (the running step as its message), and answers it with its steps' `rows_written`.

        Raises `JobFailedError` when it failed, naming the step that failed and why; for a predict step
        the code and field are those of its batch job's error. The built-in `TimeoutError` when `timeout`
        seconds pass first, with the run as its `job` attribute (the run goes on). Interrupting the wait stops waiting, not the run."""
        api = self._api()
        bar = progress_bar(len(self.steps) or None, f"workflow {self.workflow}", unit="step",
                           enabled=api._progress_enabled(progress))
        self._poll_until_finished(self.refresh, bar, _show_run, timeout, poll_interval,
                                  f"workflow run {self.id} is still {{status}} after {{timeout}} s; it goes on: "
                                  "wait again with run.wait()")
        if self.failed:
            raise _run_failure(api, self)
        return self

    def _repr_html_(self) -> str:
        window = f"{self.window.get('start')} to {self.window.get('end')}" if self.window else None
        pairs = [("workflow", self.workflow), ("execution date", self.execution_date), ("trigger", self.trigger),
                 ("status", self.status), ("instance", self.instance), ("window", window),
                 ("created", f"{self.created_at} by {self.created_by}"), ("elapsed", _duration(self.elapsed_seconds)),
                 ("error", self.error)]
        steps = html_table([{"step": s.name, "kind": s.kind, "output": s.output, "status": s.status,
                             "attempts": s.attempts, "rows written": s.rows_written,
                             "elapsed": _duration(_elapsed(s.started_at, s.finished_at)),
                             "batch job": s.batch_job, "error": s.error} for s in self.steps])
        return _key_value_html(f"workflow run {self.id}", pairs) + steps


def _show_run(bar: Any, run: WorkflowRun) -> None:
    if run.steps and bar.total != len(run.steps):
        bar.total = len(run.steps)
    bar.n = sum(1 for step in run.steps if step.status == "succeeded")
    running = next((step for step in run.steps if step.status == "running"), None)
    message = run.status if running is None else (
        running.name + (f" (attempt {running.attempts})" if running.attempts > 1 else ""))
    bar.set_postfix_str(message, refresh=False)
    bar.refresh()


def _run_failure(api: "BatchApi", run: WorkflowRun) -> JobFailedError:
    step = run.failed_step
    reason = (step.error if step is not None and step.error else run.error) or "the server gave no reason; see its log"
    where = f" at step {step.name}" if step is not None else ""
    error: Optional[BatchError] = None
    if step is not None and step.batch_job:
        # A predict step's batch job keeps the server's error code, field, number and type; the run
        # keeps only text.
        try:
            error = api.batch_job(step.batch_job).error
        except Exception:  # the run's own message is enough when the job cannot be read
            pass
    return _failed_error(f"workflow run {run.id} of {run.workflow} for {run.execution_date} failed{where}: {reason}; "
                         f"run the failed steps again with client.retry_run({run.id!r})", run, error)


# ---------------------------------------------------------------- DataFrames as JSON Lines

_SPARK_TYPES = {"int64": "BIGINT", "int32": "INT", "int16": "SMALLINT", "int8": "TINYINT", "uint8": "SMALLINT",
                "uint16": "INT", "uint32": "BIGINT", "float64": "DOUBLE", "float32": "FLOAT", "bool": "BOOLEAN",
                "boolean": "BOOLEAN", "string": "STRING", "Int64": "BIGINT", "Int32": "INT", "Int16": "SMALLINT",
                "Int8": "TINYINT", "Float64": "DOUBLE", "Float32": "FLOAT"}


def _spark_type(frame: Any, column: Any) -> Optional[str]:
    """The Spark type a DataFrame column is imported as, or None when its dtype says too little (an
    object column holding something else than text, dates or numbers of one kind)."""
    dtype = frame[column].dtype
    name = str(dtype)
    if name in _SPARK_TYPES:
        return _SPARK_TYPES[name]
    if name.startswith("datetime64"):
        return "TIMESTAMP"
    if name == "object" or name == "category":
        values = [value for value in frame[column].tolist() if not _is_missing(value)]
        if not values:
            return "STRING"
        if all(isinstance(value, str) for value in values):
            return "STRING"
        if all(isinstance(value, bool) for value in values):
            return "BOOLEAN"
        if all(isinstance(value, datetime.datetime) for value in values):
            return "TIMESTAMP"
        if all(isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) for value in values):
            return "DATE"
    return None


def _frame_schema(frame: Any) -> Optional[str]:
    """Spark DDL for a DataFrame's columns in their order, or None to let Spark infer every type."""
    parts = []
    for column in frame.columns:
        kind = _spark_type(frame, column)
        if kind is None:
            return None
        parts.append(f"`{str(column).replace('`', '``')}` {kind}")
    return ", ".join(parts)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas
        return value is pandas.NaT or value is pandas.NA
    except ImportError:
        return False


def _check_frame_columns(frame: Any) -> None:
    """Refuses a DataFrame whose column names repeat (as text, the way they are sent): a JSON object
    holds one value per name, so all but one of the columns would be lost."""
    seen: Dict[str, int] = {}
    repeated: List[str] = []
    for column in frame.columns:
        name = str(column)
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 2:
            repeated.append(name)
    if repeated:
        raise InvalidInputError(f"the DataFrame has more than one column named {', '.join(map(repr, repeated))}; a "
                                "row is sent as a JSON object, which holds one value per name: rename or drop the "
                                "repeated columns first", code="INVALID_ARGUMENT", field="source")


def _frame_lines(frame: Any) -> Iterator[bytes]:
    """The rows of a DataFrame as JSON Lines; a cell JSON cannot carry (an infinity, bytes) raises
    InvalidInputError naming its row (counted from 0, in the frame's order) and column."""
    columns = [str(column) for column in frame.columns]
    for number, row in enumerate(frame.itertuples(index=False, name=None)):
        line = {name: json_value(value, f"row {number} column {name}") for name, value in zip(columns, row)}
        yield json.dumps(line, allow_nan=False, ensure_ascii=False).encode("utf-8") + b"\n"


def _is_frame(value: Any) -> bool:
    try:
        import pandas
    except ImportError:
        return False
    return isinstance(value, pandas.DataFrame)


# ---------------------------------------------------------------- rows as a DataFrame

#: The pandas dtype of a Spark type whose values JSON carries as numbers or booleans: the nullable ones
#: for integers and booleans, so a null stays a null (pandas.NA) and the other values stay exact.
_PANDAS_TYPES = {"bigint": "Int64", "long": "Int64", "int": "Int32", "integer": "Int32", "smallint": "Int16",
                 "short": "Int16", "tinyint": "Int8", "byte": "Int8", "boolean": "boolean", "double": "float64",
                 "float": "float64", "real": "float64"}


def _series(pandas: Any, values: List[Any], spark_type: Optional[str]) -> Any:
    """One column of rows(): its values in the pandas dtype of its Spark type; values that do not fit
    it are left as the server sent them rather than guessed at."""
    kind = (spark_type or "").lower()
    try:
        if kind in _PANDAS_TYPES:
            # pandas.array reads Python ints exactly; float64 keeps a column of nulls alone as NaN.
            return pandas.Series(pandas.array(values, dtype=_PANDAS_TYPES[kind]))
        if kind == "date" or kind.startswith("timestamp"):
            return pandas.Series(pandas.to_datetime(pandas.Series(values, dtype=object)))
    except (ValueError, TypeError, OverflowError):
        pass
    return pandas.Series(values, dtype=object if not values else None)


# ---------------------------------------------------------------- the API

class BatchApi(Transport):
    """Tables of the server's Spark catalog, batch predictions and workflows."""

    # -- tables

    def import_table(self, table: str, source: Any, *, format: Optional[str] = None, infer_schema: bool = False,
                     schema: Optional[str] = None, append: bool = False,
                     progress: Optional[bool] = None) -> ImportResult:
        """Loads rows into a table of the server's catalog (POST /api/v1/tables/{table}/import), creating
        the table and its database when new and replacing its rows unless `append`. The bytes stream
        with a progress bar.

        table: `table` or `database.table` (letters, digits and _).
        source: a CSV file with a header row or a JSON Lines file (path; `format` from its extension
          `.csv`, `.jsonl`, `.ndjson` or `.json` unless given), or a pandas DataFrame (sent as JSON
          Lines; NaN, NaT and NA as null, the index left out; reset_index() first to keep it). A
          DataFrame's column names must not repeat, and its cells must be what JSON carries (no
          infinities or bytes): both are checked before anything is sent.
        How the columns get their types: `schema` gives them as Spark DDL (`"city STRING, distance_km
          DOUBLE"`). Without one, a DataFrame's dtypes choose them, in the frame's column order
          (int64 BIGINT, int32 INT, float64 DOUBLE, bool BOOLEAN, datetime64 TIMESTAMP, text STRING,
          datetime.date objects DATE, nullable Int64/boolean too); when a column's dtype says too little
          (an object column of lists, say), or with `infer_schema=True`, Spark infers every type from
          the JSON values instead (integers bigint, decimals double, columns in name order). A CSV
          file's columns are all strings unless `infer_schema=True` lets Spark infer them; a JSON Lines
          file's are always inferred unless `schema` is given.

        Raises `InvalidInputError` for a bad table name, format or schema (`field` says which), a
        DataFrame with repeated column names (field `source`) or a cell JSON cannot carry (field `row N
        column C`), or a file Spark cannot read (`FILE_UNREADABLE`)."""
        _check_table(table)
        if schema is not None and not schema.strip():
            raise InvalidInputError("schema is empty; give Spark DDL like 'city STRING, distance_km DOUBLE' or leave "
                                    "it out", code="INVALID_ARGUMENT", field="schema")
        if infer_schema and schema is not None:
            raise InvalidInputError("give either schema or infer_schema=True, not both: a schema already says every "
                                    "column's type", code="INVALID_ARGUMENT", field="schema")
        chosen = _check_format(format) if format is not None else None
        if _is_frame(source):
            if chosen == "csv":
                raise InvalidInputError("a DataFrame is sent as JSON Lines; leave format out or pass 'jsonl'",
                                        code="INVALID_ARGUMENT", field="format")
            _check_frame_columns(source)
            if schema is None and not infer_schema:
                schema = _frame_schema(source)
            with tempfile.TemporaryFile() as spool:
                for line in _frame_lines(source):
                    spool.write(line)
                spool.seek(0)
                return self._import_file(spool, table, "jsonl", infer_schema, schema, append, progress,
                                         f"importing {len(source)} rows")
        if isinstance(source, (str, Path)):
            path = Path(source)
            if not path.is_file():
                raise InvalidInputError(f"{path} is not a file; pass the path of a CSV or JSON Lines file, or a "
                                        "DataFrame", code="INVALID_ARGUMENT", field="source")
            chosen = chosen or _format_of(path, "format")
            with open(path, "rb") as file:
                return self._import_file(file, table, chosen, infer_schema, schema, append, progress,
                                         f"importing {path.name}")
        raise TypeError(f"source must be a file path or a pandas DataFrame, got {type(source).__name__}")

    def _import_file(self, file: IO[bytes], table: str, format: str, infer_schema: bool, schema: Optional[str],
                     append: bool, progress: Optional[bool], description: str) -> ImportResult:
        size = os.fstat(file.fileno()).st_size
        bar = progress_bar(size, description, enabled=self._progress_enabled(progress))

        try:
            body = self._json("POST", f"/api/v1/tables/{table}/import",
                              params={"format": format, "inferSchema": infer_schema, "schema": schema, "append": append},
                              content=read_with_progress(file, bar), headers={"Content-Type": _MEDIA_TYPES[format],
                                                         "Content-Length": str(size)},
                              timeout=TABLE_TIMEOUT_SECONDS)
        finally:
            bar.close()
        return ImportResult.from_json(body)

    def tables(self, database: Optional[str] = None) -> ResultList[TableSummary]:
        """The tables of one database (`ml`), or of every database (GET /api/v1/tables)."""
        if database is not None and not _DATABASE_NAME.match(database):
            raise InvalidInputError(f"database {database!r} is not a database name like ml (letters, digits and _, "
                                    "starting with a letter or _)", code="INVALID_ARGUMENT", field="database")
        return ResultList(from_dict(TableSummary, item) for item in self._items("/api/v1/tables",
                                                                                 {"database": database}))

    def table(self, name: str, count_rows: bool = False) -> TableDescription:
        """A table's type, columns and partition columns (GET /api/v1/tables/{name}); with `count_rows`
        its row count too, which reads the whole table. Raises `NotFoundError` (`TABLE_NOT_FOUND`) for a
        table that does not exist."""
        _check_table(name)
        body = self._json("GET", f"/api/v1/tables/{name}", params={"rows": True if count_rows else None},
                          timeout=TABLE_TIMEOUT_SECONDS if count_rows else None)
        return TableDescription.from_json(body)

    def rows(self, table: str, where: Optional[str] = None, limit: Optional[int] = None) -> Any:
        """A table's rows as a pandas DataFrame (pandas needed), those matching `where` (a Spark SQL
        condition such as `"execution_date = '2026-11-01' AND prediction = 1"`) when given, in the
        table's column order; at most `limit` rows when given (the server still exports them all: use
        `where` to narrow a large table). JSON types come back as Python's: arrays as lists, dates and
        timestamps as pandas datetimes. Raises `NotFoundError` for a missing table, `InvalidInputError`
        (field `where`) for a condition that does not parse or is not accepted SQL."""
        pandas = require_pandas("rows()")
        _check_table(table)
        check_limit(limit)
        records: List[Dict[str, Any]] = []
        params = {"format": "jsonl", "where": where or None}
        path = f"/api/v1/tables/{table}/rows"
        try:
            with self._http.stream("GET", path, params=params, timeout=TABLE_TIMEOUT_SECONDS) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from_response(response)
                for line in response.iter_lines():
                    if line.strip():
                        records.append(json.loads(line))
                        if limit is not None and len(records) >= limit:
                            break
        except httpx.TimeoutException as error:
            raise UnavailableError(f"GET {path}: no answer from {self.url} in time ({error}); narrow the rows with "
                                   "where=, or retry", code="TIMEOUT") from None
        except httpx.TransportError as error:
            raise UnavailableError(f"GET {path}: cannot reach the Carrara server at {self.url} ({error})",
                                   code="UNREACHABLE") from None
        description = self.table(table)
        names = description.column_names
        for record_ in records[:1]:
            names += [key for key in record_ if key not in names]
        types = {column.name: column.type for column in description.columns}
        # Column by column, so that each gets the dtype of its Spark type: building the frame from the
        # records would turn an integer column with a null into float64 (1 back as 1.0, ids above 2**53
        # changed) and a boolean one with a null into objects.
        return pandas.DataFrame({name: _series(pandas, [record_.get(name) for record_ in records], types.get(name))
                                 for name in names}, columns=names)

    def download_rows(self, table: str, path: Union[str, Path], format: Optional[str] = None,
                      where: Optional[str] = None, progress: Optional[bool] = None) -> Optional[int]:
        """Streams a table's rows (those matching `where` when given) into the file `path`, as CSV with a
        header row or JSON Lines (`format`; default from the file's extension). The file is written in
        full or not at all. Answers the number of rows the server reported, or None when it did not."""
        _check_table(table)
        target = Path(path)
        chosen = _check_format(format) if format is not None else _format_of(target, "format")
        if target.is_dir():
            raise InvalidInputError(f"{target} is a directory; pass a file name such as rows.{chosen}",
                                    code="INVALID_ARGUMENT", field="path")
        headers = self._download(f"/api/v1/tables/{table}/rows", target, description=f"rows of {table}",
                                 progress=progress, params={"format": chosen, "where": where or None})
        count = headers.get("X-Carrara-Rows")
        return int(count) if count and count.isdigit() else None

    # -- batch jobs

    def batch_predict(self, instance: Any = None, *, deployment: Any = None, query: str, output: str,
                      execution_date: DateLike, columns: Optional[Sequence[str]] = None, wait: bool = False,
                      timeout: Optional[float] = None, progress: Optional[bool] = None) -> BatchJob:
        """Queues a batch prediction (POST /api/v1/batch/jobs): scores the rows of the Spark SQL `query`
        with one instance into the `execution_date` partition of the table `output` (the query's
        columns, those the pipeline adds, `model_name`, `model_instance`, `scored_at`); rows the model
        rejects or skips go to `<output>_errors`. Running a date again replaces that partition only.

        instance: an Instance or its id; or deployment: a Deployment or its name, whose instance scores
          (it must route every row to one instance). Exactly one of the two.
        execution_date: a `datetime.date` or "YYYY-MM-DD". columns: keep only these of the columns the
          pipeline adds. wait: wait for the job (see `BatchJob.wait`) before answering, at most `timeout`
          seconds when given (then the built-in `TimeoutError`, whose `job` is the job, which goes on).

        The request is checked when submitted: `NotFoundError` for an unknown instance or deployment,
        `InvalidInputError` naming the field for a bad table name, date or query. The query's tables are
        read when the job runs: a job that fails then says why in its `error` (and `wait()` raises)."""
        if (instance is None) == (deployment is None):
            raise InvalidInputError("a batch job names exactly one of instance and deployment",
                                    code="INVALID_ARGUMENT", field="instance")
        if timeout is not None and not wait:
            raise InvalidInputError("timeout= is how long wait=True waits; pass wait=True too, or wait with "
                                    "job.wait(timeout=...)", code="INVALID_ARGUMENT", field="timeout")
        body: Dict[str, Any] = {"query": query, "output": output,
                                "executionDate": _date_text(execution_date, "execution_date")}
        if instance is not None:
            body["instance"] = object_id(instance, "instance")
        else:
            body["deployment"] = object_name(deployment, "deployment")
        if columns:
            body["columns"] = list(columns)
        job = BatchJob.from_json(self._json("POST", "/api/v1/batch/jobs", json_body=body), self)
        if wait:
            job.wait(timeout=timeout, progress=progress)
        return job

    def batch_job(self, id: Any) -> BatchJob:
        """A batch job as it is now (GET /api/v1/batch/jobs/{id}); `NotFoundError` for an unknown id."""
        job_id = object_id(id, "batch job")
        return BatchJob.from_json(self._json("GET", f"/api/v1/batch/jobs/{job_id}"), self)

    def batch_jobs(self, limit: Optional[int] = None) -> ResultList[BatchJob]:
        """Batch jobs, newest first: all of them (limit None), or the `limit` newest (a whole number of at
        least 1; anything else raises `InvalidInputError` with field `limit` before any request)."""
        check_limit(limit)
        return ResultList(BatchJob.from_json(item, self)
                          for item in self._pages("/api/v1/batch/jobs", limit=limit, page_size=1000))

    def cancel_batch_job(self, id: Any) -> BatchJob:
        """Asks the server to cancel a queued or running job (POST /api/v1/batch/jobs/{id}/cancel); it ends
        `failed` with the code `CANCELLED` and writes no partition. Answers the job as it is now. Raises
        `InvalidInputError` (400) for a job that has already finished, `NotFoundError` for an unknown id."""
        job_id = object_id(id, "batch job")
        return BatchJob.from_json(self._json("POST", f"/api/v1/batch/jobs/{job_id}/cancel"), self)

    # -- workflows

    def register_workflow(self, definition: Union[str, Path]) -> Workflow:
        """Registers a workflow (POST /api/v1/workflows) from its YAML text or the path of its .yaml
        file, replacing one of the same name; the server's scheduler then runs it on its `schedule`.
        A bad definition raises `InvalidInputError` whose `field` is the path to the bad value, e.g.
        `steps[1].predict.output`. (See docs/batch.md for the format.)"""
        text = _definition_text(definition)
        body = self._json("POST", "/api/v1/workflows", content=text.encode("utf-8"),
                          headers={"Content-Type": "application/yaml"})
        return Workflow.from_json(body)

    def workflows(self) -> ResultList[Workflow]:
        """Every registered workflow."""
        return ResultList(Workflow.from_json(item) for item in self._items("/api/v1/workflows"))

    def workflow(self, name: Any) -> Workflow:
        """A registered workflow; `NotFoundError` when none has that name."""
        workflow_name = _check_name(_name_of(name), "workflow")
        return Workflow.from_json(self._json("GET", f"/api/v1/workflows/{workflow_name}"))

    def delete_workflow(self, name: Any) -> None:
        """Unregisters a workflow: the scheduler stops running it; its runs stay. `NotFoundError` when
        none has that name."""
        workflow_name = _check_name(_name_of(name), "workflow")
        self._request("DELETE", f"/api/v1/workflows/{workflow_name}")

    def _definition(self, definition_or_name: Any) -> str:
        if isinstance(definition_or_name, Workflow):
            if definition_or_name.definition:
                return definition_or_name.definition
            return self.workflow(definition_or_name.name).definition or ""
        if isinstance(definition_or_name, str) and _OBJECT_NAME.match(definition_or_name) \
                and not definition_or_name.lower().endswith((".yaml", ".yml")) \
                and not os.path.isfile(definition_or_name):
            return self.workflow(definition_or_name).definition or ""
        return _definition_text(definition_or_name)

    def run_workflow(self, definition_or_name: Any, execution_date: DateLike, instance: Any = None) -> WorkflowRun:
        """Queues one run of a workflow for `execution_date` (POST /api/v1/workflow-runs) and answers it
        (follow it with `wait()`).

        definition_or_name: the workflow's YAML text, the path of its .yaml file, a registered
          workflow's name (its definition is fetched first) or a `Workflow`.
        instance: an Instance or id that scores every predict step instead of the step's own."""
        body: Dict[str, Any] = {"definition": self._definition(definition_or_name),
                                "executionDate": _date_text(execution_date, "execution_date")}
        if instance is not None:
            body["instance"] = object_id(instance, "instance")
        return WorkflowRun.from_json(self._json("POST", "/api/v1/workflow-runs", json_body=body), self)

    def backfill(self, definition_or_name: Any, from_date: DateLike, to_date: DateLike,
                 instance: Any = None) -> ResultList[WorkflowRun]:
        """Queues one run per date from `from_date` to `to_date` inclusive (POST
        /api/v1/workflow-runs/backfill); the server runs them oldest first, each replacing its date's
        partitions. `definition_or_name` and `instance` are as for `run_workflow`. Follow the runs with
        `wait()` on each, oldest first."""
        first, last = _date_text(from_date, "from_date"), _date_text(to_date, "to_date")
        start, end = _parse_date(first), _parse_date(last)
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            raise InvalidInputError(f"from_date {first} is after to_date {last}; a backfill runs the dates from "
                                    "from_date to to_date inclusive", code="INVALID_ARGUMENT", field="from")
        body: Dict[str, Any] = {"definition": self._definition(definition_or_name), "from": first, "to": last}
        if instance is not None:
            body["instance"] = object_id(instance, "instance")
        answer = self._json("POST", "/api/v1/workflow-runs/backfill", json_body=body)
        items = answer if isinstance(answer, list) else (answer or {}).get("items", [])
        return ResultList(WorkflowRun.from_json(item, self) for item in items)

    def retry_run(self, run_id: Any) -> WorkflowRun:
        """Runs again the steps of a failed run that did not succeed (POST
        /api/v1/workflow-runs/{id}/retry); answers the queued run. `InvalidInputError` for a run that has
        not failed."""
        identifier = object_id(run_id, "workflow run")
        return WorkflowRun.from_json(self._json("POST", f"/api/v1/workflow-runs/{identifier}/retry"), self)

    def workflow_run(self, id: Any) -> WorkflowRun:
        """A workflow run as it is now; `NotFoundError` for an unknown id."""
        identifier = object_id(id, "workflow run")
        return WorkflowRun.from_json(self._json("GET", f"/api/v1/workflow-runs/{identifier}"), self)

    def workflow_runs(self, name: Any, limit: Optional[int] = None) -> ResultList[WorkflowRun]:
        """A workflow's runs, newest execution date first: all of them, or the `limit` newest. A name
        that never ran (or was never registered) has none. `limit` is None for all, else a whole number
        of at least 1 (anything else raises `InvalidInputError` with field `limit` before any request)."""
        workflow_name = _check_name(_name_of(name), "workflow")
        check_limit(limit)
        return ResultList(WorkflowRun.from_json(item, self)
                          for item in self._pages(f"/api/v1/workflows/{workflow_name}/runs", limit=limit,
                                                  page_size=1000))


def _name_of(value: Any) -> Any:
    name = getattr(value, "name", None)
    return name if not isinstance(value, str) and isinstance(name, str) else value


def _definition_text(definition: Any) -> str:
    """A workflow's YAML text, given as the text itself or as the path of a file holding it."""
    if isinstance(definition, Path) or (isinstance(definition, str) and "\n" not in definition
                                         and ":" not in definition.split("/")[-1]):
        path = Path(definition)
        if not path.is_file():
            raise InvalidInputError(f"workflow file {path} does not exist; check the path, or pass the YAML text",
                                    code="INVALID_ARGUMENT", field="definition")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(f"workflow file {path} is not UTF-8 text", code="INVALID_ARGUMENT",
                                    field="definition") from None
    elif isinstance(definition, str):
        text = definition
    else:
        raise TypeError(f"a workflow definition is YAML text or a file path, got {type(definition).__name__}")
    if not text.strip():
        raise InvalidInputError("the workflow definition is empty; pass the YAML text of a workflow file",
                                code="INVALID_ARGUMENT", field="definition")
    return text


__all__ = ["BatchApi", "BatchJob", "BatchProgress", "BatchResult", "BatchError", "ImportResult", "TableColumn",
           "TableSummary", "TableDescription", "Workflow", "WorkflowRun", "WorkflowStep", "DEFAULT_POLL_SECONDS"]
