"""`Client`: every API area of a Carrara server in one object, and `connect()` to make one."""
from __future__ import annotations

from typing import Optional, Union

from carrara.sdk._core import DEFAULT_TIMEOUT_SECONDS
from carrara.sdk.batch import BatchApi
from carrara.sdk.deployments import DeploymentApi
from carrara.sdk.registry import RegistryApi


class Client(RegistryApi, DeploymentApi, BatchApi):
    """A connection to one Carrara server: the registry (projects, models, instances, metrics,
    search, lineage, events), deployments and predictions (REST and the Open Inference Protocol),
    online features, tables, batch jobs and workflows. Make one with `carrara.connect()`; close it
    with `close()` or use it in a `with` block."""


def connect(url: Optional[str] = None, *, token: Optional[str] = None, user: Optional[str] = None,
            timeout: float = DEFAULT_TIMEOUT_SECONDS, progress: Optional[bool] = None,
            verify: Union[bool, str, None] = None) -> Client:
    """Connects to a Carrara server and checks that it answers.

    url: the server, default `$CARRARA_SERVER`, else http://localhost:8080 (what `./carrara up` serves).
    token: an API token sent as `Authorization: Bearer`, default `$CARRARA_TOKEN`.
    user: who the calls are recorded as (`X-Carrara-User`), default `$CARRARA_USER`, else the login name.
    timeout: seconds a call may wait for an answer. progress: show progress bars (default: yes).
    verify: for https servers, a PEM file of the certificates to trust (the server's self-signed
    certificate or its private CA), default `$CARRARA_CA_CERT`, else the system's trusted roots; False
    turns the check off for REST (gRPC refuses to run unchecked).

    Raises `UnavailableError` when no server answers there, naming the URL and what to do.
    """
    client = Client(url, token=token, user=user, timeout=timeout, progress=progress, verify=verify)
    try:
        client.health()
    except BaseException:
        client.close()
        raise
    return client
