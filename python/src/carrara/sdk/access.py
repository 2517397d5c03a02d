"""Access control: who the caller is (`whoami`), users, API tokens, the roles users and groups hold in
projects, and the audit trail (docs/api.md, "Access control").

Roles are `read` < `use` < `edit` < `manage`, each including the ones before it; server admins may do
everything everywhere. Managing users, other users' tokens and the audit trail needs a server admin;
managing a project's members needs `manage` in it. Times are timezone-aware `datetime`s in UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, TypeVar, Union
from urllib.parse import quote

from carrara.sdk._core import (InvalidInputError, ResultList, Transport, check_limit, from_dict, html_table,
                               object_id, object_name, parse_time, record)

T = TypeVar("T")

API = "/api/v1"
ROLES = ("read", "use", "edit", "manage")
MAX_PAGE = 1000


class AccessList(ResultList[T]):
    """A `ResultList` of access-control objects (users, tokens, members, audit records): `to_pandas()`
    gives one row per object."""

    def _rows(self) -> List[Dict[str, Any]]:
        return [item._row() if hasattr(item, "_row") else record(item) for item in self]

    def to_pandas(self) -> Any:
        """One row per object as a pandas DataFrame (pandas needed)."""
        from carrara.sdk._core import require_pandas
        pandas = require_pandas("to_pandas()")
        rows = self._rows()
        return pandas.DataFrame(rows, columns=list(rows[0]) if rows else None)

    def _repr_html_(self) -> str:
        rows = self._rows()
        return f"<div>{len(rows)} rows</div>" + html_table(rows)


def _time(value: Any) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    return parse_time(str(value))


@dataclass
class User:
    """A user of the server: `admin` (a server admin may do everything), the `groups` it belongs to
    (roles granted to `group:NAME` apply to it), whether it is `disabled` (its tokens are refused), and
    who created it when."""

    name: str
    admin: bool = False
    groups: List[str] = field(default_factory=list)
    disabled: bool = False
    created_at: Optional[datetime] = None
    created_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> User:
        """A User from the server's JSON object."""
        user = from_dict(cls, data)
        user.created_at = _time(user.created_at)
        user.groups = list(user.groups or [])
        user.admin = bool(user.admin)
        user.disabled = bool(user.disabled)
        return user

    def _row(self) -> Dict[str, Any]:
        return {"name": self.name, "admin": self.admin, "groups": ", ".join(self.groups), "disabled": self.disabled,
                "created_at": self.created_at, "created_by": self.created_by}


@dataclass
class Token:
    """An API token as the server lists it (never its secret): its `id` (what `revoke_token` takes), a
    `name` describing it, the `user` it acts as, and, for a token scoped to one project, that `project`
    and the most it may do there (`role`). `revoked_at` and `last_used_at` are None until then."""

    id: str
    name: Optional[str] = None
    user: Optional[str] = None
    project: Optional[str] = None
    role: Optional[str] = None
    created_at: Optional[datetime] = None
    expires_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None
    last_used_at: Optional[datetime] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Token:
        """A Token from the server's JSON object."""
        token = from_dict(cls, data)
        token.id = "" if token.id is None else str(token.id)
        for name in ("created_at", "expires_at", "revoked_at", "last_used_at"):
            setattr(token, name, _time(getattr(token, name)))
        return token

    @property
    def active(self) -> bool:
        """Not revoked and not expired (by this machine's clock)."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > datetime.now(timezone.utc)

    def _row(self) -> Dict[str, Any]:
        return {"id": self.id, "name": self.name, "user": self.user, "project": self.project, "role": self.role,
                "created_at": self.created_at, "expires_at": self.expires_at, "revoked_at": self.revoked_at,
                "last_used_at": self.last_used_at}


@dataclass
class CreatedToken:
    """A token just made: its `secret` (send it as `Authorization: Bearer SECRET`, e.g.
    `carrara.connect(url, token=created.secret)`), shown this once since the server keeps only its hash,
    and the `token` as listed. Its repr leaves the secret out."""

    secret: str = field(repr=False)
    token: Token

    @property
    def id(self) -> str:
        """The token's id (what `revoke_token` takes)."""
        return self.token.id

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CreatedToken:
        """A CreatedToken from the server's JSON object."""
        return cls(secret=str(data.get("secret") or ""), token=Token.from_json(data.get("token") or {}))


@dataclass
class Member:
    """A role granted in a project to a `principal`: a user (`alice`) or a group (`group:data-science`)."""

    project: str
    principal: str
    role: str
    granted_at: Optional[datetime] = None
    granted_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Member:
        """A Member from the server's JSON object."""
        member = from_dict(cls, data)
        member.granted_at = _time(member.granted_at)
        return member

    def _row(self) -> Dict[str, Any]:
        return {"project": self.project, "principal": self.principal, "role": self.role,
                "granted_at": self.granted_at, "granted_by": self.granted_by}


@dataclass
class AuditRecord:
    """One entry of the audit trail, a change made or a call refused: `user` is who the server took the
    caller to be (`anonymous` without credentials), `token` the id of the token used, `action` the call
    (`POST /api/v1/projects/{project}/models`), `object` what it was about, `address` where it came from,
    `status` the HTTP status answered, `outcome` (`succeeded`, `refused`, `failed`) and `reason` the error code of
    a refused or failed call."""

    id: int
    time: Optional[datetime] = None
    user: Optional[str] = None
    token: Optional[str] = None
    action: Optional[str] = None
    project: Optional[str] = None
    object: Optional[str] = None
    address: Optional[str] = None
    status: Optional[int] = None
    outcome: Optional[str] = None
    reason: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuditRecord:
        """An AuditRecord from the server's JSON object."""
        entry = from_dict(cls, data)
        entry.time = _time(entry.time)
        if entry.token is not None:
            entry.token = str(entry.token)
        return entry

    def _row(self) -> Dict[str, Any]:
        return {"id": self.id, "time": self.time, "user": self.user, "token": self.token, "action": self.action,
                "project": self.project, "object": self.object, "address": self.address, "status": self.status,
                "outcome": self.outcome, "reason": self.reason}


@dataclass
class DeploymentAccess:
    """Whether a deployment's predictions need a token: with `anonymous_predictions` True, REST predict and the
    Open Inference Protocol's infer, metadata and readiness calls (REST and gRPC) are answered without one.
    `changed_at` and `changed_by` are None until it is first set."""

    deployment: str
    anonymous_predictions: bool = False
    changed_at: Optional[datetime] = None
    changed_by: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeploymentAccess:
        """A DeploymentAccess from the server's JSON object."""
        access = from_dict(cls, data)
        access.anonymous_predictions = bool(access.anonymous_predictions)
        access.changed_at = _time(access.changed_at)
        return access


@dataclass
class WhoAmI:
    """Who the server takes the caller to be: the `user`, whether a server `admin`, its `groups`, the
    `token` used (None for an identity without one, or with authentication off), its role in each project
    where it has one (`projects`, name -> role) and whether the server checks credentials at all
    (`authentication_enabled`)."""

    user: str
    admin: bool = False
    groups: List[str] = field(default_factory=list)
    token: Optional[Token] = None
    projects: Dict[str, str] = field(default_factory=dict)
    authentication_enabled: bool = True
    extra: Dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WhoAmI:
        """A WhoAmI from the server's JSON object."""
        me = from_dict(cls, data)
        me.admin = bool(me.admin)
        me.groups = list(me.groups or [])
        me.projects = dict(me.projects or {})
        token: Any = me.token
        me.token = Token.from_json(token) if isinstance(token, Mapping) else None
        me.authentication_enabled = True if me.authentication_enabled is None else bool(me.authentication_enabled)
        return me


# ---------------------------------------------------------------- the API

class AccessApi(Transport):
    """Access control: who the caller is, users, API tokens, project members and the audit trail."""

    def whoami(self) -> WhoAmI:
        """Who the server takes this client to be (GET /api/v1/whoami): the user, whether a server admin,
        its groups, the token used and the caller's role in each project. `UnauthenticatedError` when this
        client has no token the server accepts."""
        return WhoAmI.from_json(self._json("GET", f"{API}/whoami"))

    # -- users (server admins)

    def create_user(self, name: str, admin: bool = False, groups: Iterable[str] = ()) -> User:
        """Creates a user (server admins only): a server `admin` or not, in `groups` (roles granted to
        `group:NAME` apply to its members). Give it a token with `create_token(user=name)`.
        `ConflictError` when the name is taken, `PermissionDeniedError` for a caller that is not an admin."""
        if isinstance(groups, str):
            raise InvalidInputError(f"groups must be a list of group names, not the text {groups!r}",
                                    code="INVALID_ARGUMENT", field="groups")
        body: Dict[str, Any] = {"name": name, "admin": bool(admin), "groups": [str(g) for g in groups]}
        return User.from_json(self._json("POST", f"{API}/users", json_body=body))

    def users(self) -> AccessList[User]:
        """Every user of the server (server admins only)."""
        return AccessList(User.from_json(item) for item in self._access_pages(f"{API}/users"))

    def get_user(self, name: Any) -> User:
        """One user (a `User` or its name); `NotFoundError` when there is none of that name. (Not `user`:
        `Client.user` is the name this client sends as `X-Carrara-User`.)"""
        return User.from_json(self._json("GET", _user_path(name)))

    def disable_user(self, name: Any) -> User:
        """Disables a user (server admins only): the server refuses its tokens until `enable_user`."""
        return self._user_change(name, "disable")

    def enable_user(self, name: Any) -> User:
        """Enables a disabled user again (server admins only)."""
        return self._user_change(name, "enable")

    def _user_change(self, name: Any, verb: str) -> User:
        body = self._json("POST", f"{_user_path(name)}/{verb}")
        return User.from_json(body) if isinstance(body, Mapping) else self.get_user(name)

    # -- tokens

    def create_token(self, name: Optional[str] = None, expires: Union[timedelta, int, float, None] = None,
                     project: Any = None, role: Optional[str] = None, user: Any = None) -> CreatedToken:
        """Makes an API token (POST /api/v1/tokens) and answers it with its secret, shown this once.
        `name` describes it; `expires` is a `timedelta` or seconds (default: the server's, 30 days);
        `project` and `role` (both or neither) scope it to one project, where it may do at most that role
        (and at most what its user may); `user` (server admins only) makes it for another user."""
        body: Dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if expires is not None:
            body["expiresInSeconds"] = _seconds(expires)
        if (project is None) != (role is None):
            raise InvalidInputError("a token is scoped to a project with a role: pass both project= and role=, or "
                                    "neither", code="INVALID_ARGUMENT", field="role" if role is None else "project")
        if project is not None:
            body["project"] = object_name(project, "project")
            body["role"] = _role(role)
        if user is not None:
            body["user"] = object_name(user, "user")
        return CreatedToken.from_json(self._json("POST", f"{API}/tokens", json_body=body))

    def tokens(self, user: Any = None) -> AccessList[Token]:
        """The caller's tokens, or those of `user` (a `User` or its name; server admins, or the user itself),
        or (server admins) every user's with `user="*"`; revoked and expired ones included."""
        if user is None:
            items = self._access_pages(f"{API}/tokens")
        elif user == "*":
            items = self._access_pages(f"{API}/tokens", {"user": "*"})
        else:
            items = self._access_pages(f"{_user_path(user)}/tokens")
        return AccessList(Token.from_json(item) for item in items)

    def revoke_token(self, id: Any) -> Token:
        """Revokes a token (a `Token`, `CreatedToken` or its id): the server refuses it from then on (it
        may take a few seconds, while servers remember recent checks). Answers the token, `revoked_at` set."""
        token_id = object_id(id, "token")
        return Token.from_json(self._json("DELETE", f"{API}/tokens/{quote(token_id, safe='')}"))

    # -- deployments

    def deployment_access(self, deployment: Any) -> DeploymentAccess:
        """Whether `deployment` (a `Deployment` or its name) answers predictions without a token."""
        return DeploymentAccess.from_json(self._json("GET", _deployment_access_path(deployment)))

    def set_anonymous_predictions(self, deployment: Any, allowed: bool) -> DeploymentAccess:
        """Opens `deployment`'s predictions to calls without a token (`allowed=True`), or closes them again.
        Needs `manage` in the deployment's project; undeploying closes them too."""
        if not isinstance(allowed, bool):
            raise TypeError(f"allowed is True or False, not {type(allowed).__name__}")
        return DeploymentAccess.from_json(self._json("PUT", _deployment_access_path(deployment),
                                                     json_body={"anonymousPredictions": allowed}))

    # -- project members

    def members(self, project: Any) -> AccessList[Member]:
        """The roles granted in a project (a `Project` or its name), to users and `group:NAME`s."""
        return AccessList(Member.from_json(item) for item in self._access_pages(_members_path(project)))

    def grant(self, project: Any, principal: Any, role: str) -> Member:
        """Grants `role` (`read`, `use`, `edit` or `manage`) in `project` to `principal`: a user (or its
        name) or a group as `group:NAME`, replacing the role it had there. Needs `manage` in the project."""
        body = {"role": _role(role)}
        return Member.from_json(self._json("PUT", _member_path(project, principal), json_body=body))

    def revoke(self, project: Any, principal: Any) -> Member:
        """Takes away the role `principal` (a user, its name, or `group:NAME`) holds in `project`; answers
        the grant removed. `NotFoundError` when it holds none there. Needs `manage` in the project."""
        return Member.from_json(self._json("DELETE", _member_path(project, principal)))

    # -- audit (server admins)

    def audit(self, user: Any = None, project: Any = None, since: Union[datetime, timedelta, None] = None,
              limit: Optional[int] = 100) -> AccessList[AuditRecord]:
        """The audit trail, oldest first (server admins only): changes made and calls refused, optionally
        only those of `user` or about `project`, and only from `since` (a `datetime`, naive meaning UTC, or
        a `timedelta` back from now). The first `limit` records (None: all), pages followed."""
        check_limit(limit)
        params: Dict[str, Any] = {}
        if user is not None:
            params["user"] = object_name(user, "user")
        if project is not None:
            params["project"] = object_name(project, "project")
        if since is not None:
            params["since"] = _instant(since)
        found: AccessList[AuditRecord] = AccessList()
        after: Optional[int] = None
        while limit is None or len(found) < limit:
            size = MAX_PAGE if limit is None else max(1, min(MAX_PAGE, limit - len(found)))
            query = dict(params, limit=size)
            if after is not None:
                query["after"] = after
            body = self._json("GET", f"{API}/audit", params=query)
            items = body.get("items", []) if isinstance(body, Mapping) else []
            found.extend(AuditRecord.from_json(item) for item in items)
            if len(items) < size:
                break
            after = int(items[-1]["id"])
        return found

    # -- helpers

    def _access_pages(self, path: str, params: Optional[Mapping[str, Any]] = None) -> List[Any]:
        """Every item of a paged list, following `nextOffset` (the first page as the server sizes it)."""
        items: List[Any] = []
        query = dict(params or {})
        while True:
            body = self._json("GET", path, params=query or None)
            page = body.get("items", []) if isinstance(body, Mapping) else list(body or [])
            items.extend(page)
            next_offset = body.get("nextOffset") if isinstance(body, Mapping) else None
            if next_offset is None or not page:
                return items
            query["offset"] = int(next_offset)


def _role(role: Any) -> str:
    value = str(getattr(role, "value", role) or "").strip().lower()
    if value not in ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(ROLES)}, not {role!r}", code="INVALID_ARGUMENT",
                                field="role")
    return value


def _seconds(expires: Union[timedelta, int, float]) -> int:
    if isinstance(expires, timedelta):
        seconds = expires.total_seconds()
    elif isinstance(expires, bool) or not isinstance(expires, (int, float)):
        raise InvalidInputError(f"expires must be a timedelta or a number of seconds, not {expires!r}",
                                code="INVALID_ARGUMENT", field="expires")
    else:
        seconds = float(expires)
    if not seconds >= 1:
        raise InvalidInputError(f"expires must be at least one second, not {expires!r}", code="INVALID_ARGUMENT",
                                field="expires")
    return int(seconds)


def _instant(since: Union[datetime, timedelta]) -> str:
    if isinstance(since, timedelta):
        since = datetime.now(timezone.utc) - since
    if not isinstance(since, datetime):
        raise InvalidInputError(f"since must be a datetime or a timedelta, not {since!r}", code="INVALID_ARGUMENT",
                                field="since")
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return since.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _user_path(name: Any) -> str:
    return f"{API}/users/{quote(object_name(name, 'user'), safe='')}"


def _members_path(project: Any) -> str:
    return f"{API}/projects/{quote(object_name(project, 'project'), safe='')}/members"


def _member_path(project: Any, principal: Any) -> str:
    return f"{_members_path(project)}/{quote(object_name(principal, 'user'), safe='')}"


def _deployment_access_path(deployment: Any) -> str:
    return f"{API}/deployments/{quote(object_name(deployment, 'deployment'), safe='')}/access"
