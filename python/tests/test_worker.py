"""python -m carrara.worker end to end: a real process on a Unix socket, called over carrara.wire."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import numpy
import pyarrow
import pytest
from conftest import (
    LOGISTIC_RAISE_LINE,
    TENSOR_FEATURES,
    TENSOR_WEIGHTS,
    carrara_environment,
    logistic,
)

import carrara
from carrara import wire

READY = "CARRARA-WORKER-READY"


class Worker:
    def __init__(self, home, socket_path, *arguments):
        self.socket_path = socket_path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "carrara.worker", "--home", str(home), "--socket", str(socket_path), *arguments],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=carrara_environment())
        self.channel = None

    def wait_ready(self, timeout=30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.process.stdout], [], [], deadline - time.monotonic())
            if not readable:
                break
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"worker exited {self.process.wait()}: {self.process.stderr.read().decode()}")
            if line.decode().strip() == READY:
                self.channel = wire.connect(str(self.socket_path), timeout=10)
                return
        raise AssertionError("worker not ready in time")

    def call(self, method: str, request: bytes) -> bytes:
        return wire.call(self.channel, {"Predict": wire.PREDICT, "Health": wire.HEALTH}[method], request)

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture
def start_worker(tmp_path):
    workers = []

    def start(home, *arguments, ready=True):
        worker = Worker(home, tmp_path / f"worker{len(workers)}.sock", *arguments)
        workers.append(worker)
        if ready:
            worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()


def arrow_request(columns: dict) -> bytes:
    table = pyarrow.table(columns)
    sink = pyarrow.BufferOutputStream()
    with pyarrow.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def arrow_response(data: bytes) -> pyarrow.Table:
    return pyarrow.ipc.open_stream(pyarrow.py_buffer(data)).read_all()


def test_predict_and_health(make_home, start_worker):
    worker = start_worker(make_home())
    response = arrow_response(worker.call("Predict", arrow_request({"x": [0.0, 1.5], "label": ["a", "b"]})))
    assert response.schema.names == ["probability"]
    assert response.schema.field("probability").type == pyarrow.float64()
    assert response.column("probability").to_pylist() == pytest.approx([0.5, logistic(1.5)])

    health = json.loads(worker.call("Health", b""))
    assert health == {"status": "SERVING", "kind": "dataframe", "pid": worker.process.pid,
                      "python": health["python"], "carrara": carrara.__version__}


def test_predict_raising_answers_invalid_argument(make_home, start_worker):
    worker = start_worker(make_home())
    with pytest.raises(wire.CallFailed) as raised:
        worker.call("Predict", arrow_request({"x": [1.0, 500.0], "label": ["a", "b"]}))
    assert raised.value.status == wire.INVALID_ARGUMENT
    assert raised.value.message == (f"predict raised ValueError at model.py:{LOGISTIC_RAISE_LINE}: "
                                      "x above 100 is out of the trained range")
    # The worker keeps serving after a refused request.
    assert arrow_response(worker.call("Predict", arrow_request({"x": [0.0], "label": ["a"]}))).num_rows == 1


def test_answer_outside_the_contract_answers_failed_precondition(make_home, start_worker):
    worker = start_worker(make_home())
    with pytest.raises(wire.CallFailed) as raised:
        worker.call("Predict", arrow_request({"x": [50.0], "label": ["a"]}))
    assert raised.value.status == wire.FAILED_PRECONDITION
    assert "output column 'probability' row 0: 'fifty'" in raised.value.message


def test_request_missing_an_input_answers_invalid_argument(make_home, start_worker):
    worker = start_worker(make_home())
    with pytest.raises(wire.CallFailed) as raised:
        worker.call("Predict", arrow_request({"x": [1.0]}))
    assert raised.value.status == wire.INVALID_ARGUMENT
    assert "no input column 'label'" in raised.value.message


def test_unknown_method_is_refused_and_the_connection_kept(make_home, start_worker):
    worker = start_worker(make_home())
    with pytest.raises(wire.CallFailed) as raised:
        wire.call(worker.channel, 9, b"")
    assert raised.value.status == wire.BAD_FRAME
    assert "unknown method 9" in raised.value.message
    assert json.loads(worker.call("Health", b""))["status"] == "SERVING"


@pytest.mark.parametrize("header, reason", [
    (wire.HEADER.pack(wire.PREDICT, 7, 0), "protocol version 7"),
    (wire.HEADER.pack(wire.PREDICT, wire.VERSION, wire.MAX_PAYLOAD_BYTES + 1), "over the 67108864 allowed"),
])
def test_a_broken_frame_is_answered_with_the_reason_then_hung_up(make_home, start_worker, header, reason):
    worker = start_worker(make_home())
    worker.channel.sendall(header)
    status, message = wire.read_frame(worker.channel)
    assert status == wire.BAD_FRAME and reason in message.decode()
    assert wire.read_frame(worker.channel) is None  # hung up
    # Other connections are served as before.
    with wire.connect(str(worker.socket_path), timeout=10) as other:
        assert json.loads(wire.call(other, wire.HEALTH, b""))["status"] == "SERVING"


def test_connections_are_served_side_by_side(make_home, start_worker):
    worker = start_worker(make_home())
    first = wire.connect(str(worker.socket_path), timeout=10)
    second = wire.connect(str(worker.socket_path), timeout=10)
    try:
        # Half a frame on the first connection does not hold up the second.
        request = arrow_request({"x": [1.5], "label": ["a"]})
        frame = wire.HEADER.pack(wire.PREDICT, wire.VERSION, len(request)) + request
        first.sendall(frame[:10])
        answer = arrow_response(wire.call(second, wire.PREDICT, request))
        assert answer.column("probability").to_pylist() == pytest.approx([logistic(1.5)])
        first.sendall(frame[10:])
        status, payload = wire.read_frame(first)
        assert status == wire.OK
        assert arrow_response(bytes(payload)).column("probability").to_pylist() == pytest.approx([logistic(1.5)])
    finally:
        first.close()
        second.close()


def test_tensor_model(tensor_home, start_worker):
    worker = start_worker(tensor_home)
    features = pyarrow.array(TENSOR_FEATURES, type=pyarrow.list_(pyarrow.float64()))
    response = arrow_response(worker.call("Predict", arrow_request({"features": features})))
    assert [str(field.type) for field in response.schema] == ["list<item: double>", "float", "int64"]
    scores = numpy.array(TENSOR_FEATURES) @ TENSOR_WEIGHTS
    assert numpy.allclose(numpy.array(response.column("scores").to_pylist()), scores)
    assert response.column("best").to_pylist() == scores.argmax(axis=1).tolist()


def test_closing_stdin_stops_the_worker_at_once(make_home, start_worker):
    worker = start_worker(make_home())
    started = time.monotonic()
    worker.process.stdin.close()
    assert worker.process.wait(timeout=5) == 0
    assert time.monotonic() - started < 1.0


def test_sigterm_stops_the_worker(make_home, start_worker):
    worker = start_worker(make_home())
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(timeout=10) == 0


def test_validation_failure_exits_4_without_listening(make_home, start_worker):
    expected = [{"probability": 0.5} for _ in range(5)]
    worker = start_worker(make_home(expected=expected), ready=False)
    assert worker.process.wait(timeout=30) == 4
    assert "validation differs" in worker.process.stderr.read().decode()
    assert not os.path.exists(worker.socket_path)
    assert worker.process.stdout.read() == b""


def test_skip_validation_serves_anyway(make_home, start_worker):
    expected = [{"probability": 0.5} for _ in range(5)]
    worker = start_worker(make_home(expected=expected), "--skip-validation")
    assert json.loads(worker.call("Health", b""))["status"] == "SERVING"


def test_load_failure_exits_3(make_home, start_worker):
    worker = start_worker(make_home(model="import carrara\nraise RuntimeError('no GPU')\n"), ready=False)
    assert worker.process.wait(timeout=30) == 3
    assert "RuntimeError at model.py:2: no GPU" in worker.process.stderr.read().decode()
    assert not os.path.exists(worker.socket_path)


def test_bad_arguments_exit_2(make_home, start_worker):
    worker = start_worker(make_home(), "--memory-limit-mb", "lots", ready=False)
    assert worker.process.wait(timeout=30) == 2


def test_memory_limit_applies_to_the_model(make_home, start_worker):
    # 3.2 GB of address space: numpy.empty does not touch it, so only RLIMIT_AS refuses it.
    model = ("import numpy\nimport carrara\n\nclass Greedy(carrara.DataFrameModel):\n    def __init__(self, home):\n"
             "        self.buffer = numpy.empty(400_000_000)\n\n    def predict(self, df):\n        return df\n")
    worker = start_worker(make_home(model=model), "--memory-limit-mb", "1024", ready=False)
    assert worker.process.wait(timeout=30) == 3
    assert "MemoryError at model.py:6" in worker.process.stderr.read().decode()


def test_model_exiting_while_loading_exits_3(make_home, start_worker):
    worker = start_worker(make_home(model="import sys\nsys.exit(0)\n"), ready=False)
    assert worker.process.wait(timeout=30) == 3
    assert "SystemExit at model.py:2" in worker.process.stderr.read().decode()
