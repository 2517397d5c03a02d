"""Access control from the SDK: token discovery and the credentials file (marked `offline`: no server
needed, `pytest -m offline`), then users, tokens, project members, refusals and the audit trail against
the suite's server, whose admin token is CARRARA_TOKEN."""
from __future__ import annotations

import datetime
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest

import carrara
from carrara.sdk import _core
from carrara.sdk._core import (InvalidInputError, PermissionDeniedError, UnauthenticatedError, discover_token,
                               error_from_response, forget_token, is_loopback, save_token, server_key)
from carrara.sdk.access import AccessApi, AuditRecord, CreatedToken, Token, WhoAmI

offline = pytest.mark.offline


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No token, credentials file or server home of the machine's own: all under tmp_path."""
    for name in ("CARRARA_TOKEN", "CARRARA_CONFIG_DIR", "XDG_CONFIG_HOME", "CARRARA_HOME", "CARRARA_SERVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


# ---------------------------------------------------------------- offline: server keys and discovery

@offline
@pytest.mark.parametrize("url, key", [
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("HTTP://LocalHost:8080/api/v1?x=1", "http://localhost:8080"),
    ("http://carrara.example.com", "http://carrara.example.com:80"),
    ("https://Carrara.Example.com/", "https://carrara.example.com:443"),
    ("https://carrara.example.com:8443", "https://carrara.example.com:8443"),
    ("http://[::1]:8080/", "http://[::1]:8080"),
    ("http://[::1]", "http://[::1]:80"),
])
def test_server_keys_are_normalized(url: str, key: str) -> None:
    assert server_key(url) == key


@offline
def test_server_keys_refuse_what_is_not_an_http_url() -> None:
    for bad in ("ftp://host", "localhost:8080", "http://", "http://host:99999"):
        with pytest.raises(ValueError):
            server_key(bad)
    # localhost, 127.0.0.1 and [::1] are different keys: a token saved for one is not sent to another.
    assert len({server_key("http://localhost:8080"), server_key("http://127.0.0.1:8080"),
                server_key("http://[::1]:8080")}) == 3


@offline
@pytest.mark.parametrize("url, loopback", [
    ("http://localhost:8080", True), ("http://LOCALHOST", True), ("http://127.0.0.1:8080", True),
    ("http://127.1.2.3", True), ("http://[::1]:8080", True), ("https://localhost.example.com", False),
    ("http://10.0.0.1", False), ("http://0.0.0.0:8080", False), ("http://[::2]", False),
    ("http://carrara.example.com", False),
])
def test_loopback_hosts(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


@offline
def test_the_token_argument_wins_and_an_empty_one_means_none(clean_environment: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRARA_TOKEN", "from-env")
    assert discover_token("http://127.0.0.1:8080", "given") == ("given", "token=")
    assert discover_token("http://127.0.0.1:8080", "") == (None, None)
    assert discover_token("http://127.0.0.1:8080") == ("from-env", "CARRARA_TOKEN")


@offline
def test_the_credentials_file_is_found_by_server(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = clean_environment / "config"
    config.mkdir()
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(config))
    (config / "credentials.json").write_text(json.dumps({"servers": {
        "http://127.0.0.1:8080": {"token": "saved-local", "user": "alice", "savedAt": "2026-12-07T05:00:00Z"},
        "https://carrara.example.com:443": {"token": "saved-remote", "user": "alice"}}}))
    assert discover_token("http://127.0.0.1:8080/") == ("saved-local", str(config / "credentials.json"))
    assert discover_token("https://CARRARA.example.com/")[0] == "saved-remote"
    assert discover_token("http://localhost:8080")[0] is None  # another name is another key
    monkeypatch.setenv("CARRARA_TOKEN", "from-env")
    assert discover_token("http://127.0.0.1:8080")[0] == "from-env"  # the environment comes first


@offline
def test_the_credentials_file_location(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _core.credentials_path() == clean_environment / "home" / ".config" / "carrara" / "credentials.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(clean_environment / "xdg"))
    assert _core.credentials_path() == clean_environment / "xdg" / "carrara" / "credentials.json"
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(clean_environment / "mine"))
    assert _core.credentials_path() == clean_environment / "mine" / "credentials.json"


@offline
@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"servers": ["x"]}',
                                     '{"servers": {"http://127.0.0.1:8080": "x"}}',
                                     '{"servers": {"http://127.0.0.1:8080": {"token": 7}}}'])
def test_a_damaged_credentials_file_is_ignored(clean_environment: Path, monkeypatch: pytest.MonkeyPatch,
                                               content: str) -> None:
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(clean_environment))
    monkeypatch.setenv("CARRARA_HOME", str(clean_environment / "no-server-here"))
    (clean_environment / "credentials.json").write_text(content)
    assert discover_token("http://127.0.0.1:8080") == (None, None)


@offline
def test_a_local_servers_admin_token_only_for_loopback(clean_environment: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    home = clean_environment / "server-home"
    home.mkdir()
    (home / "admin-token").write_text("  carrara_admin\n")
    monkeypatch.setenv("CARRARA_HOME", str(home))
    for url in ("http://localhost:8080", "http://127.0.0.1:9000", "http://[::1]:8080"):
        assert discover_token(url) == ("carrara_admin", str(home / "admin-token"))
    assert discover_token("http://carrara.example.com:8080") == (None, None)
    assert discover_token("http://10.1.2.3:8080") == (None, None)
    # Without CARRARA_HOME: ~/.carrara/admin-token.
    monkeypatch.delenv("CARRARA_HOME")
    assert discover_token("http://localhost:8080") == (None, None)
    default = clean_environment / "home" / ".carrara"
    default.mkdir(parents=True)
    (default / "admin-token").write_text("carrara_default\n")
    assert discover_token("http://localhost:8080")[0] == "carrara_default"
    # A saved token for the server comes before the admin token.
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(clean_environment / "config"))
    save_token("http://localhost:8080", "carrara_saved", "alice")
    assert discover_token("http://localhost:8080")[0] == "carrara_saved"


@offline
def test_saving_keeps_other_servers_and_is_private(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = clean_environment / "new" / "carrara"
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(config))
    path = save_token("http://127.0.0.1:8080/", "one", "alice")
    assert path == config / "credentials.json"
    save_token("https://carrara.example.com", "two", "bob")
    save_token("http://127.0.0.1:8080", "three", "carol")
    servers = json.loads(path.read_text())["servers"]
    assert {key: entry["token"] for key, entry in servers.items()} == {
        "http://127.0.0.1:8080": "three", "https://carrara.example.com:443": "two"}
    assert servers["http://127.0.0.1:8080"]["user"] == "carol" and servers["http://127.0.0.1:8080"]["savedAt"]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(config.stat().st_mode) == 0o700
    assert [p.name for p in config.iterdir()] == ["credentials.json"]  # no temporary file left
    assert forget_token("http://127.0.0.1:8080") is True and forget_token("http://127.0.0.1:8080") is False
    assert list(json.loads(path.read_text())["servers"]) == ["https://carrara.example.com:443"]


@offline
def test_saving_refuses_to_overwrite_a_file_that_is_not_credentials(clean_environment: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(clean_environment))
    path = clean_environment / "credentials.json"
    path.write_text("{damaged")
    with pytest.raises(InvalidInputError) as refused:
        save_token("http://127.0.0.1:8080", "secret", "alice")
    assert refused.value.field == "credentials" and str(path) in refused.value.message
    assert path.read_text() == "{damaged"


@offline
def test_a_client_sends_the_token_it_found(clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARRARA_TOKEN", "from-env")
    with carrara.Client("http://127.0.0.1:9", progress=False) as found:
        assert (found.token, found.token_source) == ("from-env", "CARRARA_TOKEN")
        assert found._http.headers["Authorization"] == "Bearer from-env"
        assert "from-env" not in repr(found)
    with carrara.Client("http://127.0.0.1:9", token="", progress=False) as anonymous:
        assert anonymous.token is None and anonymous.token_source is None
        assert "Authorization" not in anonymous._http.headers


# ---------------------------------------------------------------- offline: errors and objects

def _response(status: int, body: Dict[str, Any], authorization: Optional[str] = None) -> httpx.Response:
    headers = {"Authorization": authorization} if authorization else {}
    return httpx.Response(status, json=body, request=httpx.Request("GET", "http://127.0.0.1:9/api/v1/projects",
                                                                   headers=headers))


@offline
def test_401_and_403_are_their_own_errors_and_say_what_to_do() -> None:
    missing = error_from_response(_response(401, {"code": "UNAUTHENTICATED", "number": 15, "type": "UNAUTHENTICATED",
                                                  "message": "this call needs a token"}))
    assert isinstance(missing, UnauthenticatedError) and isinstance(missing, carrara.CarraraError)
    assert (missing.status, missing.code) == (401, "UNAUTHENTICATED")
    assert "sent no token" in missing.message and "CARRARA_TOKEN" in missing.message and "login" in missing.message
    refused = error_from_response(_response(401, {"code": "UNAUTHENTICATED", "message": "the token is revoked"},
                                            authorization="Bearer x"), token_source="CARRARA_TOKEN")
    assert "from CARRARA_TOKEN" in refused.message and "not accepted" in refused.message
    denied = error_from_response(_response(403, {"code": "PERMISSION_DENIED", "message": "this needs the edit role"}))
    assert isinstance(denied, PermissionDeniedError) and denied.code == "PERMISSION_DENIED"
    assert "grant" in denied.message
    assert carrara.UnauthenticatedError is UnauthenticatedError
    assert carrara.PermissionDeniedError is PermissionDeniedError


@offline
def test_grpc_statuses_map_to_the_same_errors() -> None:
    from carrara.sdk.oip import _grpc_error

    class Status:
        def __init__(self, name: str) -> None:
            self.name = name

    class Failure:
        def __init__(self, name: str) -> None:
            self._name = name

        def code(self) -> Status:
            return Status(self._name)

        def details(self) -> str:
            return "refused"

        def trailing_metadata(self) -> tuple:
            return ()

    unauthenticated = _grpc_error(Failure("UNAUTHENTICATED"), "ModelInfer", "http://x", None)
    assert isinstance(unauthenticated, UnauthenticatedError) and unauthenticated.status == 401
    assert "CARRARA_TOKEN" in unauthenticated.message
    denied = _grpc_error(Failure("PERMISSION_DENIED"), "ModelInfer", "http://x", "token=")
    assert isinstance(denied, PermissionDeniedError) and denied.status == 403


@offline
def test_objects_from_the_servers_json() -> None:
    token_json = {"id": "4f7c1e5e-0000-4000-8000-000000000001", "name": "ci", "user": "alice", "project": "demo",
                  "role": "read", "createdAt": "2026-12-07T05:00:00Z", "expiresAt": "2099-01-01T00:00:00Z",
                  "revokedAt": None, "lastUsedAt": None, "newField": 1}
    created = CreatedToken.from_json({"secret": "carrara_TOPSECRET", "token": token_json})
    assert created.secret == "carrara_TOPSECRET" and created.id == token_json["id"]
    assert "TOPSECRET" not in repr(created) and "TOPSECRET" not in str(created)
    assert created.token.expires_at == datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
    assert created.token.active and created.token.extra == {"newField": 1}
    me = WhoAmI.from_json({"user": "alice", "admin": False, "groups": ["ds"], "token": token_json,
                           "projects": {"demo": "read"}, "authenticationEnabled": True})
    assert (me.user, me.groups, me.projects, me.authentication_enabled) == ("alice", ["ds"], {"demo": "read"}, True)
    assert isinstance(me.token, Token) and me.token.project == "demo"
    assert WhoAmI.from_json({"user": "admin", "admin": True}).token is None


class _FakeAccess(AccessApi):
    """The access API over canned pages instead of a server."""

    def __init__(self, answer: Callable[[str, str, Dict[str, Any]], Any]) -> None:  # no Transport: no HTTP
        self.answer = answer
        self.calls: List[Any] = []

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        self.calls.append((method, path, dict(kwargs.get("params") or {}), kwargs.get("json_body")))
        return self.answer(method, path, dict(kwargs.get("params") or {}))


@offline
def test_the_audit_follows_its_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    from carrara.sdk import access
    monkeypatch.setattr(access, "MAX_PAGE", 2)
    records = [{"id": n, "time": "2026-12-07T05:00:00Z", "user": "alice", "action": "GET /x", "status": 403,
                "outcome": "refused"} for n in range(1, 6)]

    def answer(method: str, path: str, params: Dict[str, Any]) -> Any:
        after = int(params.get("after", 0))
        return {"items": [r for r in records if r["id"] > after][:params["limit"]], "nextOffset": None}

    fake = _FakeAccess(answer)
    found = fake.audit(user="alice", since=datetime.datetime(2026, 12, 7, 4, 0), limit=None)
    assert [r.id for r in found] == [1, 2, 3, 4, 5] and isinstance(found[0], AuditRecord)
    assert [call[2].get("after") for call in fake.calls] == [None, 2, 4]
    assert all(call[2]["since"] == "2026-12-07T04:00:00Z" and call[2]["user"] == "alice" for call in fake.calls)
    fake.calls.clear()
    assert [r.id for r in fake.audit(limit=3)] == [1, 2, 3]
    assert [call[2]["limit"] for call in fake.calls] == [2, 1]
    assert list(fake.audit(limit=3).to_pandas()["outcome"]) == ["refused"] * 3


@offline
def test_lists_follow_next_offset_and_arguments_are_checked() -> None:
    pages = {None: {"items": [{"name": "a"}], "nextOffset": 1}, 1: {"items": [{"name": "b"}], "nextOffset": None}}
    fake = _FakeAccess(lambda method, path, params: pages[params.get("offset")])
    assert [u.name for u in fake.users()] == ["a", "b"]
    with pytest.raises(InvalidInputError) as no_role:
        fake.create_token(project="demo")
    assert no_role.value.field == "role"
    with pytest.raises(InvalidInputError) as bad_role:
        fake.grant("demo", "alice", "owner")
    assert bad_role.value.field == "role"
    with pytest.raises(InvalidInputError) as bad_groups:
        fake.create_user("alice", groups="ds")
    assert bad_groups.value.field == "groups"
    with pytest.raises(InvalidInputError):
        fake.create_token(expires=0)
    fake = _FakeAccess(lambda method, path, params: {"secret": "s", "token": {"id": "t", "user": "alice"}})
    fake.create_token("ci", expires=datetime.timedelta(hours=2), project="demo", role="READ", user="alice")
    assert fake.calls[-1][3] == {"name": "ci", "expiresInSeconds": 7200, "project": "demo", "role": "read",
                                 "user": "alice"}
    fake.grant("demo", "group:data science", "use")
    assert fake.calls[-1][:2] == ("PUT", "/api/v1/projects/demo/members/group%3Adata%20science")


# ---------------------------------------------------------------- against the server

# The server caches token checks for a few seconds (auth.cacheSeconds) and locks out an address after 20
# refused tokens in a minute (auth.maxFailuresPerMinute), which would fail every later test: polls that
# meet refusals wait a second between tries, and the tests here stay well under that count.

def _eventually(check: Callable[[], bool], seconds: float = 10.0, what: str = "the condition",
                interval: float = 0.5) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} did not hold within {seconds} s"
        time.sleep(interval)


def _refused(client: "carrara.Client") -> bool:
    try:
        client.whoami()
        return False
    except UnauthenticatedError:
        return True


def test_a_project_scoped_read_token(admin: "carrara.Client", server_url: str, unique: Any) -> None:
    project, name = unique("acc"), unique("reader")
    admin.create_project(project)
    user = admin.create_user(name, groups=["sdk-readers"])
    assert (user.name, user.admin, user.groups, user.disabled, user.created_by) == (name, False, ["sdk-readers"],
                                                                                      False, "admin")
    assert name in [u.name for u in admin.users()] and admin.get_user(name).name == name
    admin.grant(project, name, "edit")
    created = admin.create_token("read only", expires=datetime.timedelta(hours=1), project=project, role="read",
                                 user=name)
    assert created.secret.startswith("carrara_") and created.secret not in repr(created)
    assert (created.token.user, created.token.project, created.token.role) == (name, project, "read")
    assert created.token.expires_at is not None and created.token.revoked_at is None
    with carrara.connect(server_url, token=created.secret, progress=False) as limited:
        me = limited.whoami()
        assert (me.user, me.admin, me.authentication_enabled) == (name, False, True)
        assert me.token is not None and me.token.id == created.id
        assert me.projects == {project: "read"}  # edit in the project, but the token allows read at most
        assert limited.project(project).name == project
        with pytest.raises(PermissionDeniedError) as refused:
            limited.create_model(f"{project}/m")
        assert (refused.value.status, refused.value.code) == (403, "PERMISSION_DENIED")
        assert [t.id for t in limited.tokens()] == [created.id]
    assert created.id in [t.id for t in admin.tokens(user=name)]

    def audited() -> bool:
        return any(record.outcome == "refused" and record.reason == "PERMISSION_DENIED" and record.user == name
                   and record.token == created.id and "/models" in (record.action or "")
                   for record in admin.audit(user=name, since=datetime.timedelta(minutes=30), limit=None))
    _eventually(audited, what="the refused call in the audit trail")
    frame = admin.audit(user=name, limit=10).to_pandas()
    assert "refused" in set(frame["outcome"])


def test_no_token_is_unauthenticated(server_url: str) -> None:
    with carrara.connect(server_url, token="", progress=False) as anonymous:
        assert anonymous.token is None
        assert anonymous.health()["status"] == "ok"  # health stays open
        with pytest.raises(UnauthenticatedError) as missing:
            anonymous.projects()
        assert (missing.value.status, missing.value.code) == (401, "UNAUTHENTICATED")
        assert "CARRARA_TOKEN" in missing.value.message
    with carrara.connect(server_url, token="carrara_not-a-token", progress=False) as wrong:
        with pytest.raises(UnauthenticatedError) as refused:
            wrong.whoami()
        assert "not accepted" in refused.value.message


def test_no_token_over_grpc_is_unauthenticated(server_url: str) -> None:
    pytest.importorskip("grpc")
    with carrara.connect(server_url, token="", progress=False) as anonymous:
        assert anonymous.server_live(protocol="grpc") is True  # health stays open over gRPC too
        with pytest.raises(UnauthenticatedError) as missing:
            anonymous.model_metadata("no-such-deployment", protocol="grpc")
        assert missing.value.status == 401


def test_a_revoked_token_is_refused_within_seconds(admin: "carrara.Client", server_url: str, unique: Any) -> None:
    created = admin.create_token(unique("short"), expires=600)
    assert created.token.user == "admin"
    with carrara.connect(server_url, token=created.secret, progress=False) as holder:
        assert holder.whoami().token is not None
        revoked = admin.revoke_token(created)
        assert revoked.id == created.id and revoked.revoked_at is not None and not revoked.active
        _eventually(lambda: _refused(holder), what="the revoked token being refused")
    listed = {t.id: t for t in admin.tokens()}
    assert listed[created.id].revoked_at is not None


def test_grant_members_and_revoke(admin: "carrara.Client", unique: Any) -> None:
    project, name = unique("acc"), unique("member")
    admin.create_project(project)
    admin.create_user(name)
    granted = admin.grant(project, name, "use")
    assert (granted.project, granted.principal, granted.role, granted.granted_by) == (project, name, "use", "admin")
    group = f"group:{unique('team')}"
    assert admin.grant(project, group, "read").principal == group
    assert admin.grant(project, name, "manage").role == "manage"  # a new grant replaces the role
    members = {m.principal: m.role for m in admin.members(project)}
    assert members[name] == "manage" and members[group] == "read"
    assert admin.revoke(project, group).principal == group
    assert group not in {m.principal for m in admin.members(project)}
    with pytest.raises(carrara.NotFoundError):
        admin.revoke(project, group)
    assert set(admin.members(project).to_pandas().columns) >= {"principal", "role", "granted_at"}


def test_a_disabled_users_tokens_are_refused(admin: "carrara.Client", server_url: str, unique: Any) -> None:
    name = unique("off")
    admin.create_user(name)
    created = admin.create_token(user=name)
    with carrara.connect(server_url, token=created.secret, progress=False) as holder:
        assert holder.whoami().user == name
        assert admin.disable_user(name).disabled is True
        _eventually(lambda: _refused(holder), what="the disabled user's token being refused")
        assert admin.enable_user(name).disabled is False
        _eventually(lambda: not _refused(holder), what="the enabled user's token being accepted", interval=1.0)


def test_login_saves_the_token_where_connect_finds_it(admin: "carrara.Client", server_url: str, unique: Any,
                                                      clean_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = unique("login")
    admin.create_user(name)
    created = admin.create_token(user=name)
    config = clean_environment / "config"
    monkeypatch.setenv("CARRARA_CONFIG_DIR", str(config))
    monkeypatch.setenv("CARRARA_HOME", str(clean_environment / "no-server-here"))
    with pytest.raises(UnauthenticatedError):
        carrara.login(server_url, "carrara_not-a-token")
    assert not (config / "credentials.json").exists()
    assert carrara.login(server_url, created.secret).user == name
    with carrara.connect(server_url, progress=False) as found:
        assert found.token_source == str(config / "credentials.json") and found.whoami().user == name
    assert carrara.logout(server_url) is True
    with carrara.connect(server_url, progress=False) as none:
        assert none.token is None


def test_a_deployment_opened_to_anonymous_predictions(client: "carrara.Client", server_url: str, unique: Any,
                                                      trips: Dict[str, str]) -> None:
    from conftest import scored_rows

    name = unique("sdk-open-")
    client.deploy(name, trips["instance"])
    row = scored_rows()[0]["input"]
    try:
        closed = client.deployment_access(name)
        assert (closed.deployment, closed.anonymous_predictions, closed.changed_by) == (name, False, None)
        with carrara.connect(server_url, token="", progress=False) as anonymous:
            with pytest.raises(UnauthenticatedError):
                anonymous.predict(name, [row])

            opened = client.set_anonymous_predictions(name, True)
            assert opened.anonymous_predictions is True and opened.changed_by == "sdk-tests"
            assert isinstance(opened.changed_at, datetime.datetime)
            assert len(anonymous.predict(name, [row])) == 1
            with pytest.raises(UnauthenticatedError):
                anonymous.deployments()  # only the predictions are open

            assert client.set_anonymous_predictions(name, False).anonymous_predictions is False
            with pytest.raises(UnauthenticatedError):
                anonymous.predict(name, [row])
        with pytest.raises(TypeError):
            client.set_anonymous_predictions(name, "yes")  # type: ignore[arg-type]
    finally:
        client.undeploy(name)
