"""The SDK against a server with TLS (its own, started here from the packaged server jar with a
self-signed certificate made by openssl): REST and the Open Inference Protocol's gRPC trust the
certificate given with verify= or CARRARA_CA_CERT, and say so when they do not. Its admin token is the
one it writes to its own home (the suite's CARRARA_TOKEN belongs to the suite's server)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest

import carrara


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TlsServer(NamedTuple):
    url: str
    certificate: Path
    token: str


def _admin_token(home: Path, deadline: float) -> str:
    """The admin token the server wrote to its home on its first start."""
    path = home / "admin-token"
    while True:
        if path.is_file() and path.read_text().strip():
            return path.read_text().strip()
        assert time.monotonic() < deadline, f"the server wrote no {path}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory, repository: Path) -> Iterator[TlsServer]:
    jar = repository / "carrara-server" / "target" / "carrara-server.jar"
    assert jar.is_file(), f"{jar} is not built: build carrara-server first (the Maven reactor does)"
    assert shutil.which("openssl"), "openssl makes the test's certificate"
    home = tmp_path_factory.mktemp("tls-home")
    certificate, key = home / "server.crt", home / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
                   check=True, capture_output=True, timeout=60)
    port = _free_port()
    log = open(home / "server.log", "wb")
    server = subprocess.Popen(["java", "-jar", str(jar), "up", "--home", str(home / "carrara"), "--port", str(port),
                               "--set", f"tls.certificate={certificate}", "--set", f"tls.privateKey={key}"],
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"https://localhost:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (home / "server.log").read_text()
            try:
                carrara.connect(url, verify=str(certificate), progress=False).close()
                break
            except carrara.UnavailableError:
                assert time.monotonic() < deadline, (home / "server.log").read_text()
                time.sleep(0.5)
        yield TlsServer(url, certificate, _admin_token(home / "carrara", deadline))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_rest_and_grpc_trust_the_certificate_given(tls_server: TlsServer, unique) -> None:
    url, certificate, token = tls_server
    with carrara.connect(url, token=token, verify=str(certificate), progress=False) as client:
        name = unique("tls")
        assert client.create_project(name).name == name
        assert name in [project.name for project in client.projects()]
        assert client.server_live(protocol="grpc") is True
        with pytest.raises(carrara.NotFoundError):
            client.model_metadata("no-such-deployment", protocol="grpc")


def test_carrara_ca_cert_is_the_default(tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url, certificate, token = tls_server
    monkeypatch.setenv("CARRARA_CA_CERT", str(certificate))
    monkeypatch.setenv("CARRARA_TOKEN", token)
    with carrara.connect(url, progress=False) as client:
        assert client.health()["status"] == "ok"
        assert client.server_live(protocol="grpc") is True


def test_a_certificate_not_trusted_is_said_to_be_so(tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = tls_server.url
    monkeypatch.delenv("CARRARA_CA_CERT", raising=False)
    with pytest.raises(carrara.UnavailableError) as refused:
        carrara.connect(url, progress=False)
    assert refused.value.code == "UNTRUSTED_CERTIFICATE"
    assert "verify=" in refused.value.message


def test_verify_must_name_a_pem_file(tmp_path: Path) -> None:
    with pytest.raises(carrara.InvalidInputError) as missing:
        carrara.Client("https://localhost:1", verify=str(tmp_path / "nothing.pem"))
    assert missing.value.field == "verify"
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(carrara.InvalidInputError) as unreadable:
        carrara.Client("https://localhost:1", verify=str(garbage))
    assert unreadable.value.field == "verify"
