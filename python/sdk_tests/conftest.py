"""The SDK's tests run against a real Carrara server: CARRARA_SERVER names it and CARRARA_TOKEN holds
its admin token (the Maven build's PythonSdkSuiteIT starts one, reads the token from the server's
`<home>/admin-token` and sets both). Every test makes its own uniquely named projects and deployments,
so the tests share one server and may run in any order. The session's `client` acts as `sdk-tests`, a
server admin made with the admin token, so that what the tests create is recorded as made by sdk-tests.

Tests marked `offline` (token discovery, credentials files) need no server: `pytest -m offline`."""
from __future__ import annotations

import io
import json
import math
import os
import uuid
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

import carrara

REPOSITORY = Path(__file__).resolve().parents[2]
TEST_USER = "sdk-tests"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "offline: needs no Carrara server (run alone with -m offline)")


@pytest.fixture(scope="session")
def server_url() -> str:
    url = os.environ.get("CARRARA_SERVER")
    if not url:
        pytest.fail("CARRARA_SERVER is not set: these tests need a running Carrara server (the Maven build starts one)")
    return url


@pytest.fixture(scope="session")
def admin_token(server_url: str) -> str:
    """The server's admin token (CARRARA_TOKEN), as the server wrote it to <home>/admin-token."""
    token = (os.environ.get("CARRARA_TOKEN") or "").strip()
    if not token:
        pytest.fail("CARRARA_TOKEN is not set: these tests need the server's admin token (PythonSdkSuiteIT reads it "
                    "from the server's <home>/admin-token)")
    return token


@pytest.fixture(scope="session")
def admin(server_url: str, admin_token: str) -> Iterator["carrara.Client"]:
    """A client with the server's admin token."""
    with carrara.connect(server_url, token=admin_token, user="admin", progress=False) as connected:
        yield connected


@pytest.fixture(scope="session")
def test_user_token(admin: "carrara.Client") -> str:
    """A token of `sdk-tests`, a server admin (made here unless an earlier run made it)."""
    try:
        admin.create_user(TEST_USER, admin=True)
    except carrara.ConflictError:
        pass
    return admin.create_token("sdk tests", user=TEST_USER).secret


@pytest.fixture(scope="session")
def client(server_url: str, test_user_token: str) -> Iterator["carrara.Client"]:
    with carrara.connect(server_url, token=test_user_token, user=TEST_USER, progress=False) as connected:
        yield connected


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A name no other test (or earlier run against the same server) uses: prefix + 8 hex digits."""
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def repository() -> Path:
    return REPOSITORY


# ---------------------------------------------------------------- the golden Spark pipeline
# carrara-pipeline's trips logistic regression, saved by Spark 4.1.0, and the values Spark computed for
# its rows (expected.jsonl): shared by the deployment, OIP and feature-store tests.

GOLDEN = REPOSITORY / "carrara-pipeline/src/test/resources/golden/spark-4.1.0/trips-logistic-regression"
INPUT_SCHEMA = ("id int, city string, vendor string, payment string, passengers int, hour int, distance double, "
                "duration double, airport boolean")
INPUT_COLUMNS = ["id", "city", "vendor", "payment", "passengers", "hour", "distance", "duration", "airport"]
OUTPUTS = ["rawPrediction", "probability", "prediction"]


def expected_rows() -> List[Dict[str, Any]]:
    """The golden rows: {"input": {...}, "output": {...}} or {"input": {...}, "skipped": true}."""
    with open(GOLDEN / "expected.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def scored_rows() -> List[Dict[str, Any]]:
    """The golden rows the pipeline scores (not those its skip stage drops)."""
    return [row for row in expected_rows() if "output" in row]


def model_zip() -> bytes:
    """The saved pipeline folder as a ZIP, entries sorted, as the CLI uploads a directory."""
    buffer = io.BytesIO()
    folder = GOLDEN / "model"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def create_instance(client: "carrara.Client", project: str, model: str, artifact: bytes,
                    schema: str = INPUT_SCHEMA) -> str:
    """Uploads a spark-pipeline instance through the raw HTTP API; answers its id."""
    blob = client._upload_blob(io.BytesIO(artifact), content_type="application/zip")
    instance = client._json("POST", f"/api/v1/projects/{project}/models/{model}/instances",
                            json_body={"artifact": {"sha256": blob["sha256"], "format": "spark-pipeline",
                                                    "packaging": "zip"},
                                       "metadata": {"inputSchema": schema}})
    return str(instance["id"])


def assert_close(actual: Any, expected: Any) -> None:
    """Equal to 1e-9, element by element for lists."""
    if isinstance(expected, list):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            assert_close(a, e)
    else:
        assert math.isclose(float(actual), float(expected), rel_tol=0, abs_tol=1e-9), (actual, expected)


@pytest.fixture(scope="session")
def trips(client: "carrara.Client") -> Dict[str, str]:
    """A project with the model `trips` and one instance of the golden pipeline (tests only read it, or add
    models of their own to its project)."""
    project = f"sdkdep{uuid.uuid4().hex[:8]}"
    client._json("POST", "/api/v1/projects", json_body={"name": project})
    client._json("POST", f"/api/v1/projects/{project}/models", json_body={"name": "trips"})
    instance = create_instance(client, project, "trips", model_zip())
    return {"project": project, "model": f"{project}/trips", "instance": instance}
