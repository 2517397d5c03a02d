"""`Client`: every API area of a Carrara server in one object, `connect()` to make one, and `login()`
/ `logout()` to save a server's token for later connections."""
from __future__ import annotations

import getpass
import os
from typing import Optional, Union

from carrara.sdk._core import DEFAULT_SERVER, DEFAULT_TIMEOUT_SECONDS, InvalidInputError, forget_token, save_token
from carrara.sdk.access import AccessApi, WhoAmI
from carrara.sdk.batch import BatchApi
from carrara.sdk.deployments import DeploymentApi
from carrara.sdk.registry import RegistryApi


class Client(RegistryApi, DeploymentApi, BatchApi, AccessApi):
    """A connection to one Carrara server: the registry (projects, models, instances, metrics,
    search, lineage, events), deployments and predictions (REST and the Open Inference Protocol),
    online features, tables, batch jobs and workflows, and access control (users, tokens, project
    members, audit). Make one with `carrara.connect()`; close it with `close()` or use it in a `with`
    block. `token_source` says where its token came from (None when it has none)."""


def connect(url: Optional[str] = None, *, token: Optional[str] = None, user: Optional[str] = None,
            timeout: float = DEFAULT_TIMEOUT_SECONDS, progress: Optional[bool] = None,
            verify: Union[bool, str, None] = None) -> Client:
    """Connects to a Carrara server and checks that it answers.

    url: the server, default `$CARRARA_SERVER`, else http://localhost:8080 (what `./carrara up` serves).
    token: the API token sent as `Authorization: Bearer`; by default the first found of `$CARRARA_TOKEN`,
    the server's entry in the credentials file (`carrara.login`, the CLI's `carrara login`;
    `$CARRARA_CONFIG_DIR/credentials.json`, else `$XDG_CONFIG_HOME/carrara/credentials.json`, else
    `~/.config/carrara/credentials.json`) and, for a server on this machine only, the admin token it
    wrote to `$CARRARA_HOME/admin-token` (default `~/.carrara/admin-token`). `token=""` sends none.
    user: sent as `X-Carrara-User`, default `$CARRARA_USER`, else the login name (a server that checks
    tokens records the token's user instead).
    timeout: seconds a call may wait for an answer. progress: show progress bars (default: yes).
    verify: for https servers, a PEM file of the certificates to trust (the server's self-signed
    certificate or its private CA), default `$CARRARA_CA_CERT`, else the system's trusted roots; False
    turns the check off for REST (gRPC refuses to run unchecked).

    Raises `UnavailableError` when no server answers there, naming the URL and what to do. Only the
    health check is made here: a missing or refused token shows as `UnauthenticatedError` on the
    first call that needs one (`client.whoami()` checks it).
    """
    client = Client(url, token=token, user=user, timeout=timeout, progress=progress, verify=verify)
    try:
        client.health()
    except BaseException:
        client.close()
        raise
    return client


def login(url: Optional[str] = None, token: Optional[str] = None, *, verify: Union[bool, str, None] = None,
          timeout: float = DEFAULT_TIMEOUT_SECONDS) -> WhoAmI:
    """Checks an API token against the server (GET /api/v1/whoami) and saves it in the credentials file
    for the server, where `carrara.connect` (and the CLI) find it later; other servers' entries stay.
    The file is written atomically with mode 0600 (its folder 0700).

    url: the server, default `$CARRARA_SERVER`, else http://localhost:8080. token: the secret (asked for
    without echo when omitted). Answers who the token acts as; raises `UnauthenticatedError` (and saves
    nothing) when the server does not accept it.
    """
    if token is None:
        token = getpass.getpass(f"API token for {url or DEFAULT_SERVER}: ")
    token = token.strip()
    if not token:
        raise InvalidInputError("the token is empty: pass the secret a `create_token` or the server's admin-token "
                                "gave", code="INVALID_ARGUMENT", field="token")
    with Client(url, token=token, timeout=timeout, progress=False, verify=verify) as client:
        me = client.whoami()
        save_token(client.url, token, me.user)
    return me


def logout(url: Optional[str] = None) -> bool:
    """Removes the server's token from the credentials file (it stays valid on the server: revoke it
    with `Client.revoke_token` to end it). Answers whether there was one. url: default `$CARRARA_SERVER`,
    else http://localhost:8080."""
    server = (url or os.environ.get("CARRARA_SERVER") or DEFAULT_SERVER).rstrip("/")
    return forget_token(server)
