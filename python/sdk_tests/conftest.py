"""The SDK's tests run against a real Carrara server: CARRARA_SERVER names it (the Maven build's
PythonSdkSuiteIT starts one and sets it). Every test makes its own uniquely named projects and
deployments, so the tests share one server and may run in any order."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

import carrara

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def server_url() -> str:
    url = os.environ.get("CARRARA_SERVER")
    if not url:
        pytest.fail("CARRARA_SERVER is not set: these tests need a running Carrara server (the Maven build starts one)")
    return url


@pytest.fixture(scope="session")
def client(server_url: str) -> Iterator["carrara.Client"]:
    with carrara.connect(server_url, user="sdk-tests", progress=False) as connected:
        yield connected


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A name no other test (or earlier run against the same server) uses: prefix + 8 hex digits."""
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def repository() -> Path:
    return REPOSITORY
