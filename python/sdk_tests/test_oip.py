"""The Open Inference Protocol over REST and gRPC against a real server, with the golden Spark
pipeline: both protocols give Spark's numbers, metadata lists the declared inputs, errors carry the
server's code and field (from the google.rpc.ErrorInfo over gRPC), and the committed gRPC stubs are
what the server's proto generates."""
from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import numpy as np
import pytest

import carrara
from carrara.sdk.deployments import Deployment
from carrara.sdk.oip import InferenceResult, RowsNotScoredError

from conftest import INPUT_COLUMNS, assert_close, scored_rows

PROTOCOLS = ["rest", "grpc"]
OIP_PACKAGE = Path(__file__).resolve().parents[1] / "src" / "carrara" / "sdk" / "_oip"
DTYPES = {"id": "int32", "passengers": "int32", "hour": "int32", "distance": "float64", "duration": "float64",
          "airport": "bool"}


@pytest.fixture(scope="module")
def served(client: carrara.Client, trips: Dict[str, str]) -> Iterator[Deployment]:
    name = f"sdkoip-{uuid.uuid4().hex[:8]}"
    deployment = client.deploy(name, trips["instance"])
    yield deployment
    client.undeploy(name)


def tensors_of(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {column: np.array([row["input"][column] for row in rows], dtype=DTYPES.get(column, str))
            for column in INPUT_COLUMNS}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_infer_gives_sparks_values(client: carrara.Client, served: Deployment, trips: Dict[str, str],
                                   protocol: str) -> None:
    rows = scored_rows()[:12]
    answer = client.infer(served.name, tensors_of(rows), protocol=protocol, id="batch-7")
    assert isinstance(answer, InferenceResult)
    assert answer.model_name == served.name and answer.model_version == trips["instance"] and answer.id == "batch-7"
    assert answer["probability"].shape == (12, 2) and answer["probability"].dtype == np.float64
    assert answer["prediction"].shape == (12,)
    assert answer["features"].shape == (12, 51)
    for position, row in enumerate(rows):
        assert_close(answer["probability"][position].tolist(), row["output"]["probability"])
        assert_close(answer["rawPrediction"][position].tolist(), row["output"]["rawPrediction"])
        assert_close(answer["prediction"][position], row["output"]["prediction"])


def test_rest_and_grpc_agree(client: carrara.Client, served: Deployment, trips: Dict[str, str]) -> None:
    rows = [row for row in scored_rows() if None not in row["input"].values()]  # gRPC tensors have no nulls
    inputs = tensors_of(rows)
    rest = client.infer(served.name, inputs, outputs=["probability", "prediction"])
    grpc = client.infer(served.name, inputs, protocol="grpc", outputs=["probability", "prediction"],
                        version=trips["instance"])
    assert set(rest) == set(grpc) == {"probability", "prediction"}
    np.testing.assert_array_equal(rest["probability"], grpc["probability"])
    np.testing.assert_array_equal(rest["prediction"], grpc["prediction"])
    # lists work as inputs too (the data type from what they hold)
    listed = client.infer(served.name, {column: list(values) for column, values in inputs.items()
                                        if column not in ("id", "passengers", "hour")}
                          | {"passengers": inputs["passengers"], "hour": inputs["hour"], "id": inputs["id"]})
    np.testing.assert_array_equal(listed["probability"], rest["probability"])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_metadata_lists_the_declared_inputs(client: carrara.Client, served: Deployment, trips: Dict[str, str],
                                            protocol: str) -> None:
    metadata = client.model_metadata(served.name, protocol=protocol)
    assert metadata.name == served.name and metadata.versions == [trips["instance"]]
    assert metadata.platform == "spark-pipeline"
    assert [(t.name, t.datatype) for t in metadata.inputs] == [
        ("id", "INT32"), ("city", "BYTES"), ("vendor", "BYTES"), ("payment", "BYTES"), ("passengers", "INT32"),
        ("hour", "INT32"), ("distance", "FP64"), ("duration", "FP64"), ("airport", "BOOL")]
    outputs = {t.name: t for t in metadata.outputs}
    assert outputs["probability"].shape == [-1, 2] and outputs["prediction"].datatype == "FP64"
    assert "probability" in metadata._repr_html_()
    pinned = client.model_metadata(served.name, version=trips["instance"], protocol=protocol)
    assert pinned.versions == [trips["instance"]]
    with pytest.raises(carrara.NotFoundError) as raised:
        client.model_metadata(served.name + "-nope", protocol=protocol)
    assert raised.value.status == 404 and raised.value.code == "NOT_FOUND" and raised.value.field == "name"
    assert raised.value.number == 2 and raised.value.type == "NOT_FOUND"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_health_and_readiness(client: carrara.Client, served: Deployment, protocol: str) -> None:
    assert client.server_live(protocol=protocol) is True
    assert isinstance(client.server_ready(protocol=protocol), bool)  # other tests' deployments may be loading
    assert client.server_metadata(protocol=protocol)["name"] == "carrara"
    assert client.model_ready(served.name, protocol=protocol) is True
    assert client.model_ready_reason(served.name) is None
    with pytest.raises(carrara.NotFoundError) as raised:
        client.model_ready(served.name + "-nope", protocol=protocol)
    assert raised.value.code == "NOT_FOUND"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_errors_carry_the_code_and_field(client: carrara.Client, served: Deployment, protocol: str) -> None:
    inputs = tensors_of(scored_rows()[:2])
    with pytest.raises(carrara.InvalidInputError) as raised:
        client.infer(served.name, {**inputs, "city": np.array([1.5, 2.5])}, protocol=protocol)
    error = raised.value
    assert (error.status, error.code, error.field, error.number, error.type) == (400, "INVALID_ARGUMENT", "city", 1,
                                                                                 "INVALID_INPUT")
    assert "BYTES" in error.message

    with pytest.raises(carrara.NotFoundError) as missing:
        client.infer(served.name + "-nope", inputs, protocol=protocol)
    assert missing.value.status == 404 and missing.value.field == "name"

    with pytest.raises(carrara.NotFoundError) as version:
        client.infer(served.name, inputs, protocol=protocol, version=str(uuid.uuid4()))
    assert version.value.code == "NOT_FOUND"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_rows_that_fail_are_listed(client: carrara.Client, served: Deployment, protocol: str) -> None:
    # Only the city: the pipeline's later stages miss their columns, so every row fails with its own error.
    with pytest.raises(RowsNotScoredError) as raised:
        client.infer(served.name, {"city": np.array(["new_york", "boston"])}, protocol=protocol)
    error = raised.value
    assert isinstance(error, carrara.InvalidInputError) and error.status == 400 and error.field == "inputs"
    assert [row.row for row in error.rows] == [0, 1]
    assert {row.code for row in error.rows} == {"SCHEMA_MISMATCH"}
    assert error.rows[0].number == 131076 and "vendor_index" in error.rows[0].message


def test_missing_values_over_rest_and_grpc(client: carrara.Client, served: Deployment) -> None:
    inputs = tensors_of(scored_rows()[:2])
    # None in an object array is null over REST: the skip stage drops the row, which a tensor batch cannot hold
    with pytest.raises(carrara.InvalidInputError) as raised:
        client.infer(served.name, {**inputs, "passengers": np.array([2, None], dtype=object)})
    assert raised.value.status == 400
    # a scored golden row whose hour is null: over REST, None travels as null (the data type from the model)
    row = next(row for row in scored_rows() if row["input"]["hour"] is None)
    complete = {column: np.array([row["input"][column]], dtype=DTYPES.get(column, str))
                for column in INPUT_COLUMNS if column != "hour"}
    answer = client.infer(served.name, {**complete, "hour": np.array([None], dtype=object)})
    assert_close(answer["probability"][0].tolist(), row["output"]["probability"])
    with pytest.raises(carrara.InvalidInputError, match="protocol='rest'") as no_null:
        client.infer(served.name, {**inputs, "city": np.array(["new_york", None], dtype=object)}, protocol="grpc")
    assert no_null.value.field == "city" and no_null.value.status == 0  # refused before any request
    with pytest.raises(carrara.InvalidInputError) as protocol:
        client.infer(served.name, inputs, protocol="http")
    assert protocol.value.field == "protocol"
    with pytest.raises(TypeError):
        client.infer(served.name, {"city": np.array(["a", 1], dtype=object)})


def test_grpc_needs_grpcio(client: carrara.Client, served: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "grpc", None)  # as if grpcio were not installed
    with pytest.raises(ImportError, match=r"carrara\[grpc\]"):
        client.server_live(protocol="grpc")


def test_grpc_on_a_server_that_does_not_answer() -> None:
    with carrara.Client("http://127.0.0.1:9", progress=False, timeout=5) as nowhere:
        with pytest.raises(carrara.UnavailableError) as raised:
            nowhere.server_live(protocol="grpc")
        assert raised.value.code == "UNREACHABLE"


def test_committed_stubs_match_the_proto(tmp_path: Path) -> None:
    assert importlib.util.find_spec("grpc_tools") is not None, \
        "grpcio-tools is needed to regenerate the stubs (PythonSdkSuiteIT's environment has it)"
    tools = Path(__file__).resolve().parents[1] / "tools"
    sys.path.insert(0, str(tools))
    try:
        import generate_oip
    finally:
        sys.path.remove(str(tools))
    written = generate_oip.generate(tmp_path)
    assert {p.name for p in written} == {p.name for p in OIP_PACKAGE.iterdir() if p.suffix in (".py", ".pyi")}
    for path in written:
        committed = OIP_PACKAGE / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} differs from what {generate_oip.PROTO.name} generates: run python python/tools/generate_oip.py")


def test_infer_takes_a_deployment_object(client: carrara.Client, served: Deployment) -> None:
    rows = scored_rows()[:1]
    answer = client.infer(served, tensors_of(rows), outputs=["probability"])
    assert_close(answer["probability"][0].tolist(), rows[0]["output"]["probability"])
    assert client.model_ready(served) is True
    with pytest.raises(carrara.InvalidInputError) as empty:
        client.model_ready("")
    assert empty.value.field == "deployment"


def test_grpc_target_brackets_ipv6_hosts() -> None:
    from carrara.sdk.oip import _grpc_target
    assert _grpc_target("http://[::1]:8080") == ("[::1]:8080", False)
    assert _grpc_target("https://[2001:db8::7]") == ("[2001:db8::7]:443", True)
    assert _grpc_target("http://localhost:18600") == ("localhost:18600", False)
    assert _grpc_target("https://carrara.example.com") == ("carrara.example.com:443", True)


def test_grpc_follows_connect_verify(tmp_path: Path) -> None:
    pytest.importorskip("grpc")
    with carrara.Client("https://127.0.0.1:9", progress=False, verify=False) as unverified:
        with pytest.raises(carrara.InvalidInputError, match="protocol='rest'") as raised:
            unverified.server_live(protocol="grpc")
    assert raised.value.field == "verify"
    from carrara.sdk.oip import _root_certificates
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    assert _root_certificates(str(bundle)) == bundle.read_bytes()
    assert _root_certificates(bundle) == bundle.read_bytes()
    assert _root_certificates(True) is None
    with pytest.raises(carrara.InvalidInputError) as missing:
        _root_certificates(str(tmp_path / "nope.pem"))
    assert missing.value.field == "verify"
