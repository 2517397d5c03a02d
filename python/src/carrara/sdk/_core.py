"""The SDK's transport: one HTTP connection pool to a Carrara server, the server's error shape turned
into exceptions, pages followed, and streamed uploads and downloads with progress bars.

Every API area (registry, deployments, batch) is a mixin over `Transport`; `carrara.sdk.client.Client`
combines them. Only httpx, tqdm and the standard library are imported here: pandas and pyarrow are
optional and imported where a table is made.
"""
from __future__ import annotations

import dataclasses
import datetime
import getpass
import hashlib
import html
import ipaddress
import json
import math
import os
import platform
import re
import ssl
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import (IO, Any, Callable, Dict, Generic, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple,
                    TypeVar, Union)
from urllib.parse import urlsplit

import httpx

DEFAULT_SERVER = "http://localhost:8080"
USER_HEADER = "X-Carrara-User"
SHA256_HEADER = "X-Carrara-Sha256"
DEFAULT_TIMEOUT_SECONDS = 60.0
CHUNK_BYTES = 1024 * 1024
CREDENTIALS_FILE = "credentials.json"
ADMIN_TOKEN_FILE = "admin-token"

T = TypeVar("T")


# ---------------------------------------------------------------- errors

class CarraraError(Exception):
    """An error the server answered (or that stopped a call before it): `status` is the HTTP status
    (0 when the server could not be reached), `code` the server's error code (`INSTANCE_NOT_FOUND`,
    `SEARCH_SYNTAX`, ...), `field` the request field, query parameter or header it is about, `column`
    the row column for a row's error, and `message` what went wrong and what to do next."""

    def __init__(self, message: str, *, status: int = 0, code: str = "CLIENT_ERROR", number: Optional[int] = None,
                 type: Optional[str] = None, field: Optional[str] = None, column: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.number = number
        self.type = type
        self.field = field
        self.column = column

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else f" (column {self.column})" if self.column else ""
        status = f"{self.status} " if self.status else ""
        return f"{status}{self.code}{where}: {self.message}"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(status={self.status}, code={self.code!r}, field={self.field!r}, "
                f"message={self.message!r})")


class InvalidInputError(CarraraError):
    """400, 413, 415: the request is wrong; `field` names what to fix."""


class NotFoundError(CarraraError):
    """404: the named object does not exist."""


class ConflictError(CarraraError):
    """409: the call conflicts with the registry's state (a name taken, a dependency cycle)."""


class UnavailableError(CarraraError):
    """503 or no answer: the server, its database or a model is not available now; retry later."""


class UnauthenticatedError(CarraraError):
    """401 `UNAUTHENTICATED`: the call carried no token, or one the server does not accept (unknown,
    expired, revoked, or its user disabled). Pass `token=` to `carrara.connect`, set `CARRARA_TOKEN`, or
    save one with `carrara.login(url, token)` / `carrara login`."""


class PermissionDeniedError(CarraraError):
    """403 `PERMISSION_DENIED`: the server knows the caller, but the caller (or its token's project
    scope) lacks the role the call needs in the project, or is not a server admin. Someone with the
    `manage` role in the project (or a server admin) can grant one with `Client.grant`."""


class JobFailedError(CarraraError):
    """A batch job or workflow run that ended `failed`; `job` holds its final state."""

    def __init__(self, message: str, *, job: Any, code: str = "JOB_FAILED", field: Optional[str] = None):
        super().__init__(message, code=code, field=field)
        self.job = job


def error_class(status: int) -> type:
    """The CarraraError subclass for an HTTP status (also used for gRPC statuses mapped to HTTP ones)."""
    if status in (400, 413, 415, 422):
        return InvalidInputError
    if status == 401:
        return UnauthenticatedError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status in (502, 503, 504):
        return UnavailableError
    return CarraraError


def authentication_hint(status: int, token_source: Optional[str]) -> str:
    """What to do about a 401 or 403, given where this client's token came from (None: it sent none)."""
    if status == 401:
        if token_source is None:
            return ("This client sent no token: pass token= to carrara.connect, set CARRARA_TOKEN, or save one with "
                    "carrara.login(url, token) (the CLI's `carrara login`)")
        return (f"The token this client sent (from {token_source}) was not accepted: it may be unknown, expired or "
                "revoked, or its user disabled; pass another with token=, set CARRARA_TOKEN, or log in again with "
                "carrara.login(url, token) (the CLI's `carrara login`)")
    if status == 403:
        return ("Ask a server admin, or someone with the manage role in the project, for the role the call needs "
                "(Client.grant), or use a token whose project scope allows it")
    return ""


def error_from_response(response: httpx.Response, *, token_source: Optional[str] = None) -> CarraraError:
    """The exception for a response of status 4xx or 5xx, from the server's error body when it has one.
    For 401 and 403 the message also says what to do; `token_source` says where the token sent came from
    (None when the request carried no `Authorization` header)."""
    body: Dict[str, Any] = {}
    try:
        parsed = response.json()
        if isinstance(parsed, dict):
            body = parsed
    except (ValueError, UnicodeDecodeError):
        pass
    message = body.get("message") or body.get("error") or response.text.strip()[:2000] or response.reason_phrase
    status = response.status_code
    kind = error_class(status)
    message = str(message)
    if status in (401, 403):
        if token_source is None and _sent_authorization(response):
            token_source = "the request's Authorization header"
        hint = authentication_hint(status, token_source)
        if status == 401 or "grant" not in message.lower():  # the server's 403 usually says who can grant what
            message = f"{message.rstrip('. ')}. {hint}"
    elif status == 429 and response.headers.get("Retry-After"):
        message = f"{message.rstrip('. ')}. Retry after {response.headers['Retry-After']} seconds."
    return kind(message, status=status, code=str(body.get("code") or f"HTTP_{status}"),
                number=body.get("number") if isinstance(body.get("number"), int) else None,
                type=body.get("type"), field=body.get("field"), column=body.get("column"))


def _sent_authorization(response: httpx.Response) -> bool:
    try:
        return "Authorization" in response.request.headers
    except RuntimeError:  # a response made without a request (tests)
        return False


# ---------------------------------------------------------------- credentials

def server_key(url: str) -> str:
    """A server URL as credentials files key it: `scheme://host:port`, lower-case, the default port
    written out (http 80, https 443), without path, query or trailing slash. `localhost`, `127.0.0.1`
    and `[::1]` stay distinct keys. Raises ValueError for a URL that is not http(s) with a host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError(f"the server URL {url!r} must start with http:// or https://")
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"the server URL {url!r} names no host")
    port = parts.port  # ValueError for a port that is not a number in range
    if port is None:
        port = 80 if scheme == "http" else 443
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def is_loopback(url: str) -> bool:
    """Whether the server URL's host is this machine: `localhost`, 127.0.0.0/8 or ::1."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def credentials_path() -> Path:
    """The credentials file `carrara.login` and the CLI's `carrara login` write:
    `$CARRARA_CONFIG_DIR/credentials.json`, else `$XDG_CONFIG_HOME/carrara/credentials.json`, else
    `~/.config/carrara/credentials.json`."""
    config = _environment("CARRARA_CONFIG_DIR")
    if config:
        return Path(config) / CREDENTIALS_FILE
    xdg = _environment("XDG_CONFIG_HOME")
    if xdg:
        return Path(xdg) / "carrara" / CREDENTIALS_FILE
    return Path.home() / ".config" / "carrara" / CREDENTIALS_FILE


def carrara_home() -> Path:
    """The local server's home folder: `$CARRARA_HOME`, else `~/.carrara`."""
    home = _environment("CARRARA_HOME")
    return Path(home) if home else Path.home() / ".carrara"


def _environment(name: str) -> Optional[str]:
    """An environment variable, None when unset or blank."""
    value = os.environ.get(name)
    return value if value and value.strip() else None


def _read_json_object(path: Path) -> Dict[str, Any]:
    """The JSON object in the file, or {} when it is missing, unreadable or not a JSON object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_token(url: str, path: Optional[Path] = None) -> Optional[str]:
    """The token saved for the server in the credentials file, or None (no file, no entry, a file that
    cannot be read or is not what `carrara login` writes)."""
    try:
        key = server_key(url)
        servers = _read_json_object(path or credentials_path()).get("servers")
    except (ValueError, RuntimeError):  # a URL without a host; no home directory
        return None
    entry = servers.get(key) if isinstance(servers, dict) else None
    token = entry.get("token") if isinstance(entry, dict) else None
    return token.strip() if isinstance(token, str) and token.strip() else None


def discover_token(url: str, token: Optional[str] = None) -> Tuple[Optional[str], Optional[str]]:
    """The token for the server and where it came from, first found of: `token` (an empty string means
    none, and skips the rest); `$CARRARA_TOKEN`; the entry for the server in the credentials file
    (`credentials_path()`); and, only when the server is on this machine (`is_loopback`), the admin token
    the server wrote to `<home>/admin-token` (`carrara_home()`). (None, None) when there is none."""
    if token is not None:
        return (token.strip(), "token=") if token.strip() else (None, None)
    from_environment = (os.environ.get("CARRARA_TOKEN") or "").strip()
    if from_environment:
        return from_environment, "CARRARA_TOKEN"
    try:
        path = credentials_path()
    except RuntimeError:  # no home directory to look in
        return None, None
    saved = saved_token(url, path)
    if saved:
        return saved, str(path)
    if is_loopback(url):
        try:
            admin_file = carrara_home() / ADMIN_TOKEN_FILE
            admin = admin_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError, RuntimeError):
            return None, None
        if admin:
            return admin, str(admin_file)
    return None, None


def save_token(url: str, token: str, user: Optional[str] = None, path: Optional[Path] = None) -> Path:
    """Saves the token for the server in the credentials file (`credentials_path()`), keeping the other
    servers' entries: written to a temporary file of mode 0600 beside it and renamed over it, in a folder
    made with mode 0700. Answers the file's path. A file that is not a credentials file is left alone:
    InvalidInputError names it, to be fixed or removed."""
    key = server_key(url)
    token = token.strip()
    if not token:
        raise InvalidInputError("the token to save is empty", code="INVALID_ARGUMENT", field="token")
    path = path or credentials_path()
    folder = path.parent
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    data = _credentials_for_update(path)
    servers: Dict[str, Any] = data.setdefault("servers", {})
    saved = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    entry: Dict[str, Any] = {"token": token, "savedAt": saved}
    if user:
        entry["user"] = user
    servers[key] = entry
    data["servers"] = servers
    _write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def forget_token(url: str, path: Optional[Path] = None) -> bool:
    """Removes the server's entry from the credentials file; answers whether there was one."""
    key = server_key(url)
    path = path or credentials_path()
    if not path.exists():
        return False
    data = _credentials_for_update(path)
    servers = data.get("servers")
    if not isinstance(servers, dict) or key not in servers:
        return False
    del servers[key]
    _write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return True


def _credentials_for_update(path: Path) -> Dict[str, Any]:
    """The credentials file's JSON object to change and write back ({} when there is none, or it is
    empty); InvalidInputError for a file that is not one, rather than losing what it holds."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"cannot read the credentials file {path} ({error})", code="INVALID_ARGUMENT",
                                field="credentials") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InvalidInputError(f"the credentials file {path} is not valid JSON ({error}); fix it or remove it, then "
                                "log in again", code="INVALID_ARGUMENT", field="credentials") from None
    if not isinstance(data, dict) or not isinstance(data.get("servers", {}), dict):
        raise InvalidInputError(f'the credentials file {path} is not a credentials file ({{"servers": {{...}}}}); fix '
                                "it or remove it, then log in again", code="INVALID_ARGUMENT", field="credentials")
    return data


def _write_private(path: Path, text: str) -> None:
    descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise


# ---------------------------------------------------------------- results as tables

def _plain(value: Any) -> Any:
    """Dataclasses nested anywhere in lists and dicts as dicts, times as ISO-8601 text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return json.dumps(_plain(value), sort_keys=True, default=str)
    return value


def record(item: Any) -> Dict[str, Any]:
    """A flat dict of an object for a table row: dataclass fields, nested values as JSON text."""
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: _cell(getattr(item, f.name)) for f in dataclasses.fields(item) if not f.name.startswith("_")}
    if isinstance(item, Mapping):
        return {str(k): _cell(v) for k, v in item.items()}
    return {"value": item}


def html_table(rows: Sequence[Mapping[str, Any]], columns: Optional[Sequence[str]] = None, limit: int = 50) -> str:
    """A small HTML table for Jupyter's rich display."""
    if columns is None:
        seen: Dict[str, None] = {}
        for row in rows[:limit]:
            for key in row:
                seen.setdefault(key, None)
        columns = list(seen)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if row.get(c) is None else str(row.get(c)))}</td>"
                                    for c in columns) + "</tr>" for row in rows[:limit])
    more = f"<p>{len(rows) - limit} more rows</p>" if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class ResultList(List[T], Generic[T]):
    """A list of API objects that also converts to a pandas DataFrame (`to_pandas()`, pandas needed)
    and shows as a table in Jupyter."""

    def to_pandas(self) -> Any:
        pandas = require_pandas("to_pandas()")
        return pandas.DataFrame([record(item) for item in self])

    def _repr_html_(self) -> str:
        return html_table([record(item) for item in self])


def require_pandas(what: str) -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(f"{what} needs pandas: pip install 'carrara[pandas]'") from None
    return pandas


def check_limit(limit: Optional[int], field: str = "limit") -> Optional[int]:
    """The one rule for `limit=` everywhere: None for all, else a whole number of at least 1."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInputError(f"{field} must be a whole number of at least 1 (or None for all), not {limit!r}",
                                code="INVALID_ARGUMENT", field=field)
    return limit


def json_value(value: Any, where: str) -> Any:
    """A value as JSON carries it: None, NaN, pandas' NA and NaT as null (JSON has no NaN), numpy
    scalars and arrays as Python numbers and lists, Decimal as a number, times as ISO-8601 text.
    Raises InvalidInputError naming `where` (e.g. "row 3 column city") for an infinity or a value
    JSON cannot carry (bytes, arbitrary objects), rather than sending its repr."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise InvalidInputError(f"{where} is {value}, which JSON cannot carry; replace infinities before sending",
                                    code="INVALID_ARGUMENT", field=where)
        return value
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, Mapping):
        return {str(k): json_value(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v, where) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy scalars and arrays
        return json_value(value.tolist(), where)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return json_value(float(value), where)
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    raise InvalidInputError(f"{where} is a {type(value).__name__}, which cannot be sent as JSON; convert it to a "
                            "number, text, a list or a dict first", code="INVALID_ARGUMENT", field=where)


def _identity(value: Any, attribute: str, what: str) -> str:
    if isinstance(value, str):
        if not value:
            raise InvalidInputError(f"the {what} {attribute} is empty", code="INVALID_ARGUMENT", field=what)
        return value
    identity = getattr(value, attribute, None)
    if isinstance(identity, str) and identity:
        return identity
    article = "an" if what[:1] in "aeiou" else "a"
    raise TypeError(f"expected {article} {what} or its {attribute}, got {type(value).__name__}")


def object_id(value: Any, what: str = "instance") -> str:
    """The id of an object given as itself (anything with an `id`) or as its id string."""
    return _identity(value, "id", what)


def object_name(value: Any, what: str = "deployment") -> str:
    """The name of an object given as itself (anything with a `name`) or as its name string."""
    return _identity(value, "name", what)


# ---------------------------------------------------------------- progress

def progress_bar(total: Optional[float], description: str, unit: str = "B", enabled: Optional[bool] = None) -> Any:
    """A tqdm bar (notebook-aware through tqdm.auto), or one that shows nothing when disabled."""
    from tqdm.auto import tqdm
    if enabled is None:
        enabled = True
    scale = unit == "B"
    return tqdm(total=total, desc=description, unit=unit, unit_scale=scale, unit_divisor=1024 if scale else 1000,
                disable=not enabled, leave=True)


# ---------------------------------------------------------------- transport

def client_description() -> Dict[str, str]:
    from carrara import __version__
    return {"carraraVersion": __version__, "pythonVersion": platform.python_version(),
            "os": platform.system(), "arch": platform.machine(), "client": "carrara-python"}


class Transport:
    """One HTTP connection pool to one Carrara server. The mixins call `_request`, `_json`, `_pages`,
    `_upload_blob` and `_download`; user code calls the mixins' methods on `Client`."""

    def __init__(self, url: Optional[str] = None, *, token: Optional[str] = None, user: Optional[str] = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS, progress: Optional[bool] = None,
                 verify: Union[bool, str, "os.PathLike[str]", None] = None):
        self.url = (url or os.environ.get("CARRARA_SERVER") or DEFAULT_SERVER).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"the server URL {self.url!r} must start with http:// or https://")
        self.user = user or os.environ.get("CARRARA_USER") or _login_name()
        # token= (an empty string: none), else $CARRARA_TOKEN, the credentials file, a local server's admin-token.
        self.token, self.token_source = discover_token(self.url, token)
        self.progress = progress
        # None: $CARRARA_CA_CERT when set (as the CLI), else the system's trusted roots. Kept for the gRPC
        # channel of the Open Inference Protocol, which does not go through httpx.
        if verify is None:
            verify = os.environ.get("CARRARA_CA_CERT") or True
        self.verify: Union[bool, str] = os.fspath(verify) if isinstance(verify, (str, os.PathLike)) else bool(verify)
        headers = {USER_HEADER: self.user, "User-Agent": f"carrara-python/{client_description()['carraraVersion']}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout,
                                  verify=_tls_verification(self.verify), follow_redirects=False)

    # -- lifecycle
    def close(self) -> None:
        self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r}, user={self.user!r})"

    def _progress_enabled(self, explicit: Optional[bool]) -> bool:
        if explicit is not None:
            return explicit
        if self.progress is not None:
            return self.progress
        return True

    def health(self) -> Dict[str, Any]:
        """GET /api/v1/health: {"status": "ok" | "degraded" | "unavailable", "version", "database", "features"}.
        A 503 (the database is down) answers the body rather than raising, since it says what is down."""
        response = self._request("GET", "/api/v1/health", expect=(503,))
        try:
            body = response.json()
        except ValueError:
            raise UnavailableError(f"{self.url} answered /api/v1/health with a body that is not JSON: is it a Carrara "
                                   "server?", status=response.status_code, code="BAD_RESPONSE") from None
        return dict(body) if isinstance(body, dict) else {"status": "unknown"}

    # -- calls
    def _request(self, method: str, path: str, *, params: Optional[Mapping[str, Any]] = None,
                 json_body: Any = None, content: Any = None, headers: Optional[Mapping[str, str]] = None,
                 timeout: Optional[float] = None, expect: Iterable[int] = ()) -> httpx.Response:
        """Sends one request; raises CarraraError for 4xx/5xx (except the statuses in `expect`) and
        UnavailableError when the server cannot be reached."""
        request_headers = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body, allow_nan=False).encode("utf-8")
            request_headers.setdefault("Content-Type", "application/json")
        clean_params = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            response = self._http.request(method, path, params=clean_params, content=content, headers=request_headers,
                                          timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException as error:
            raise UnavailableError(f"{method} {path}: no answer from {self.url} in time ({error}); retry, or pass a "
                                   "longer timeout= to carrara.connect", code="TIMEOUT") from None
        except httpx.TransportError as error:
            if _untrusted_certificate(error):
                raise UnavailableError(f"the Carrara server at {self.url} presented a certificate this client does not "
                                       f"trust ({error}); pass its certificate or CA as a PEM file: carrara.connect(url, "
                                       "verify='ca.pem') or CARRARA_CA_CERT", code="UNTRUSTED_CERTIFICATE") from None
            raise UnavailableError(f"cannot reach the Carrara server at {self.url} ({error}); start it with "
                                   "`./carrara up` or point CARRARA_SERVER (or url=) at it", code="UNREACHABLE") from None
        if response.status_code >= 400 and response.status_code not in set(expect):
            raise error_from_response(response, token_source=self.token_source)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise CarraraError(f"{method} {path}: the server answered {response.status_code} with a body that is not "
                               "JSON", status=response.status_code, code="BAD_RESPONSE") from None

    def _items(self, path: str, params: Optional[Mapping[str, Any]] = None) -> List[Any]:
        """A list answer that comes whole ({"items": [...]})."""
        body = self._json("GET", path, params=params)
        return list(body.get("items", [])) if isinstance(body, dict) else list(body or [])

    def _pages(self, path: str, params: Optional[Mapping[str, Any]] = None, *, limit: Optional[int] = None,
               page_size: int = 1000) -> Iterator[Any]:
        """Follows `nextOffset` until the last page, or until `limit` items."""
        if limit is not None and limit <= 0:
            return
        offset = int((params or {}).get("offset") or 0)
        seen = 0
        while True:
            size = page_size if limit is None else max(1, min(page_size, limit - seen))
            query = dict(params or {})
            query.update({"limit": size, "offset": offset})
            body = self._json("GET", path, params=query)
            items = body.get("items", []) if isinstance(body, dict) else []
            for item in items:
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            next_offset = body.get("nextOffset") if isinstance(body, dict) else None
            if next_offset is None or not items:
                return
            offset = int(next_offset)

    def _upload_blob(self, source: Union[str, Path, IO[bytes]], *, content_type: str = "application/octet-stream",
                     description: str = "upload", progress: Optional[bool] = None) -> Dict[str, Any]:
        """Streams a file to POST /api/v1/blobs with its SHA-256 (computed first, so the server checks
        what it stored) and a progress bar; answers {"sha256", "size", "uri"}."""
        path = Path(source) if isinstance(source, (str, Path)) else None
        if path is None:
            # A stream: spool it to a temporary file once, to hash it and to know its size.
            stream: IO[bytes] = source  # type: ignore[assignment]
            with tempfile.TemporaryFile() as spool:
                for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                    spool.write(chunk)
                spool.seek(0)
                return self._upload_open_file(spool, description, content_type, progress)
        if not path.is_file():
            raise ValueError(f"{path} is not a file")
        with open(path, "rb") as file:
            return self._upload_open_file(file, description, content_type, progress)

    def _upload_open_file(self, file: IO[bytes], description: str, content_type: str,
                          progress: Optional[bool]) -> Dict[str, Any]:
        digest = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            size += len(chunk)
        file.seek(0)
        bar = progress_bar(size, description, enabled=self._progress_enabled(progress))
        try:
            body = self._json("POST", "/api/v1/blobs", content=read_with_progress(file, bar),
                              headers={"Content-Type": content_type, SHA256_HEADER: digest.hexdigest(),
                                       "Content-Length": str(size)},
                              timeout=max(DEFAULT_TIMEOUT_SECONDS, size / (1024 * 1024)))
        finally:
            bar.close()
        return dict(body)

    def _download(self, path: str, target: Union[str, Path], *, description: str = "download",
                  progress: Optional[bool] = None, params: Optional[Mapping[str, Any]] = None) -> httpx.Headers:
        """Streams GET path to the file `target` (written to a temporary file beside it, then renamed,
        so a failed download leaves nothing half-written); answers the response headers."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_params = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            with self._http.stream("GET", path, params=clean_params) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from_response(response, token_source=self.token_source)
                total = response.headers.get("Content-Length")
                bar = progress_bar(int(total) if total and total.isdigit() else None, description,
                                   enabled=self._progress_enabled(progress))
                descriptor, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
                try:
                    with os.fdopen(descriptor, "wb") as out:
                        for chunk in response.iter_bytes(CHUNK_BYTES):
                            out.write(chunk)
                            bar.update(len(chunk))
                    os.replace(partial, target)
                except BaseException:
                    if os.path.exists(partial):
                        os.unlink(partial)
                    raise
                finally:
                    bar.close()
                return response.headers
        except httpx.TimeoutException as error:
            raise UnavailableError(f"GET {path}: no answer from {self.url} in time ({error}); retry, or pass a "
                                   "longer timeout= to carrara.connect", code="TIMEOUT") from None
        except httpx.TransportError as error:
            raise UnavailableError(f"GET {path}: cannot reach the Carrara server at {self.url} ({error})",
                                   code="UNREACHABLE") from None


def read_with_progress(file: IO[bytes], bar: Any) -> Iterator[bytes]:
    """The file in chunks for a streamed request body, moving the progress bar as each is sent."""
    for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
        bar.update(len(chunk))
        yield chunk


def _untrusted_certificate(error: BaseException) -> bool:
    seen: Optional[BaseException] = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _tls_verification(verify: Union[bool, str]) -> Union[bool, ssl.SSLContext]:
    """httpx's `verify`: a PEM file of trusted certificates (a private CA, or the server's self-signed
    certificate) becomes an SSL context that trusts them; True and False pass through."""
    if isinstance(verify, bool):
        return verify
    if not os.path.isfile(verify):
        raise InvalidInputError(f"verify={verify!r} is not a file; pass the path of a PEM file with the server's "
                                "certificate or its CA (or set CARRARA_CA_CERT)", code="INVALID_ARGUMENT", field="verify")
    try:
        return ssl.create_default_context(cafile=verify)
    except (ssl.SSLError, OSError) as error:
        raise InvalidInputError(f"verify={verify!r} holds no PEM certificate Python can read ({error})",
                                code="INVALID_ARGUMENT", field="verify") from None


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return value


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment (some containers)
        return "anonymous"


_TIME = re.compile(r"^(?P<head>[^.]*?)(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d{2}:?\d{2})?$")


def parse_time(value: Optional[str]) -> Optional[datetime.datetime]:
    """An ISO-8601 string from the server (`2026-11-22T03:12:32.123456Z`) as an aware UTC datetime;
    None stays None. Python before 3.11 reads neither `Z` nor more than 6 fractional digits, so the
    string is normalised first."""
    if value is None:
        return None
    match = _TIME.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not an ISO-8601 time")
    fraction = match.group("fraction")
    zone = match.group("zone") or "+00:00"
    if zone == "Z":
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    text = match.group("head") + (f".{fraction[:6].ljust(6, '0')}" if fraction else "") + zone
    return datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc)


def from_dict(kind: Callable[..., T], data: Mapping[str, Any], renames: Optional[Mapping[str, str]] = None) -> T:
    """A dataclass from a JSON object: camelCase keys to the dataclass's snake_case fields, unknown keys
    kept in its `extra` field when it has one (servers add fields; old clients must not break)."""
    fields = {f.name: f for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    values: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}
    for key, value in data.items():
        name = (renames or {}).get(key) or _snake(key)
        if name in fields and name != "extra":
            values[name] = value
        else:
            extra[key] = value
    if "extra" in fields:
        values["extra"] = extra
    for name, field in fields.items():
        if name not in values and field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            values[name] = None
    return kind(**values)


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)
