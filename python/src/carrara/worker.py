"""The worker the Java server runs, one process per model:

    ENV/bin/python -m carrara.worker --home DIR --socket PATH [--memory-limit-mb N] [--skip-validation]

It loads the model, validates it through the serving path, listens on the Unix socket PATH (the
frames of carrara.wire, a thread per connection) and prints CARRARA-WORKER-READY. Exit status 3: the
model cannot load; 4: validation differs; 2: bad arguments. It exits at once when its stdin reaches
end of file (the server died or let it go). Protocol: docs/python-models.md, "The worker protocol".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socketserver
import stat
import sys
import threading

from carrara import __version__, wire
from carrara.errors import ModelHomeError, PredictionError
from carrara.loading import load_model
from carrara.prediction import Predictor
from carrara.validation import run_validation

READY_LINE = "CARRARA-WORKER-READY"
# The server keeps a few connections per worker (one per call in flight); more than this are hung up on.
MAX_CONNECTIONS = 64
STOP_GRACE_SECONDS = 5.0

EXIT_BAD_ARGUMENTS = 2
EXIT_LOAD_FAILED = 3
EXIT_VALIDATION_DIFFERS = 4


def main(argv=None) -> int:
    arguments = _parse_arguments(argv)
    # Watch stdin before anything slow: a server that dies while the model loads must not leave it behind.
    _watch_stdin()
    if arguments.memory_limit_mb:
        try:
            _limit_memory(arguments.memory_limit_mb)
        except (ValueError, OSError) as error:
            print(f"carrara worker: cannot set the memory limit of {arguments.memory_limit_mb} MiB: {error}", file=sys.stderr)
            return EXIT_LOAD_FAILED

    try:
        predictor = _load_and_validate(arguments)
    except ModelHomeError as error:
        print(f"carrara worker: the model cannot load: {error}", file=sys.stderr)
        return EXIT_LOAD_FAILED
    except MemoryError:
        print(f"carrara worker: the model ran out of memory while loading or validating under --memory-limit-mb "
              f"{arguments.memory_limit_mb} (RLIMIT_AS counts address space: libraries, thread stacks and allocator "
              "arenas too, not only data); raise the model's memory limit", file=sys.stderr)
        return EXIT_LOAD_FAILED
    except _ValidationDiffers as differs:
        print(f"carrara worker: validation differs, not serving:\n{differs.report}", file=sys.stderr)
        return EXIT_VALIDATION_DIFFERS

    try:
        server = _WorkerServer(predictor, arguments.socket)
    except OSError as error:
        print(f"carrara worker: cannot listen on unix:{arguments.socket}: {error}", file=sys.stderr)
        return 1
    # shutdown() waits for serve_forever, which runs on this thread: ask for it from another one.
    signal.signal(signal.SIGTERM, lambda signum, frame: threading.Thread(target=server.shutdown, daemon=True).start())
    print(READY_LINE, flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        _remove_socket(arguments.socket)
        # A prediction under way may finish and be answered before the process exits.
        predictor.wait_idle(STOP_GRACE_SECONDS)
    return 0


class _ValidationDiffers(Exception):
    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


def _load_and_validate(arguments) -> Predictor:
    loaded = load_model(arguments.home)
    for warning in loaded.home.warnings:
        print(f"carrara worker: warning: {warning}", file=sys.stderr)
    # Validation goes through this very predictor, so it proves what serving will answer.
    predictor = Predictor(loaded)
    if not arguments.skip_validation:
        report = run_validation(predictor)
        if not report.ok:
            raise _ValidationDiffers(report)
    return predictor


def _parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m carrara.worker",
                                     description="Serves one Carrara Python model over gRPC on a Unix socket.")
    parser.add_argument("--home", required=True, help="the model home folder (read only)")
    parser.add_argument("--socket", required=True, help="the Unix domain socket to listen on; its folder must exist")
    parser.add_argument("--memory-limit-mb", type=_non_negative, default=0,
                        help="RLIMIT_AS of the process in MiB (0 = none)")
    parser.add_argument("--skip-validation", action="store_true", help="do not run validation/ before listening")
    return parser.parse_args(argv)


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of MiB") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; use 0 for no limit")
    return value


def _watch_stdin() -> None:
    try:
        descriptor = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return  # no stdin to watch (started detached): nothing tells us the server is gone

    def watch():
        # os.read on the descriptor, not sys.stdin: a thread blocked inside the buffered reader holds
        # its lock, and the interpreter aborts at shutdown when it cannot take it.
        try:
            while os.read(descriptor, 65536):
                pass
        except OSError:
            pass
        # os._exit, not sys.exit: no grace, no atexit, no waiting for a predict that may never end.
        os._exit(0)

    threading.Thread(target=watch, name="carrara-stdin-watcher", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _WorkerServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """A thread per connection, each answering its calls in turn; predict itself is serialized by the Predictor."""

    daemon_threads = True  # a connection thread blocked on its socket must not hold up the exit

    def __init__(self, predictor: Predictor, socket_path: str):
        _remove_socket(socket_path)
        self.predictor = predictor
        self.health = json.dumps({"status": "SERVING", "kind": predictor.loaded.home.kind, "pid": os.getpid(),
                                  "python": platform.python_version(), "carrara": __version__}).encode("utf-8")
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(socket_path, _Connection)

    def process_request(self, request, client_address):
        if not self._connections.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def answer(self, method: int, payload: bytearray) -> tuple[int, bytes]:
        if method == wire.PREDICT:
            try:
                return wire.OK, self.predictor.predict(payload)
            except PredictionError as error:
                return wire.STATUS_CODES.get(error.status, wire.INTERNAL), error.message.encode("utf-8")
            except Exception as error:  # noqa: BLE001 (a bug of this package, not of the model: say so rather than hang up)
                message = f"carrara worker failed: {type(error).__name__}: {error}"[: PredictionError.MAX_MESSAGE_LENGTH]
                return wire.INTERNAL, message.encode("utf-8")
        if method == wire.HEALTH:
            return wire.OK, self.health
        return wire.BAD_FRAME, f"unknown method {method}; this worker answers 1 (predict) and 2 (health)".encode()


class _Connection(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        connection = self.request
        server: _WorkerServer = self.server  # type: ignore[assignment]
        while True:
            try:
                frame = wire.read_frame(connection)
            except wire.WireError as error:
                # The stream cannot be resynchronised: say why, then hang up.
                try:
                    wire.write_frame(connection, wire.BAD_FRAME, str(error).encode("utf-8"))
                except OSError:
                    pass
                return
            except OSError:
                return
            if frame is None:
                return
            status, answer = server.answer(*frame)
            try:
                wire.write_frame(connection, status, answer)
            except OSError:
                return


def _remove_socket(socket_path: str) -> None:
    # A socket left by a worker that was killed would make the bind fail; only ever remove a socket.
    try:
        if stat.S_ISSOCK(os.lstat(socket_path).st_mode):
            os.unlink(socket_path)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    sys.exit(main())
