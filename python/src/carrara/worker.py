"""The worker the Java server runs, one process per model:

    ENV/bin/python -m carrara.worker --home DIR --socket PATH [--memory-limit-mb N] [--skip-validation]

It loads the model, validates it through the serving path, listens with grpcio on unix:PATH and
prints CARRARA-WORKER-READY. Exit status 3: the model cannot load; 4: validation differs; 2: bad
arguments. It exits at once when its stdin reaches end of file (the server died or let it go).
Protocol: docs/python-models.md, "The worker protocol".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import stat
import sys
import threading
from concurrent import futures

import grpc

from carrara import __version__
from carrara.errors import ModelHomeError, PredictionError
from carrara.loading import load_model
from carrara.prediction import Predictor
from carrara.validation import run_validation

SERVICE = "carrara.worker.v1.Worker"
READY_LINE = "CARRARA-WORKER-READY"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# Predict is serialized anyway; a few threads let Health answer while a prediction runs and let
# decoding and encoding of concurrent requests overlap with it.
SERVER_THREADS = 4
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
        server = _start_server(predictor, arguments.socket)
    except RuntimeError as error:
        print(f"carrara worker: cannot listen on unix:{arguments.socket}: {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda signum, frame: server.stop(STOP_GRACE_SECONDS))
    print(READY_LINE, flush=True)
    server.wait_for_termination()
    _remove_socket(arguments.socket)
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


def _start_server(predictor: Predictor, socket_path: str) -> grpc.Server:
    _remove_socket(socket_path)
    health = json.dumps({"status": "SERVING", "kind": predictor.loaded.home.kind, "pid": os.getpid(),
                         "python": platform.python_version(), "carrara": __version__}).encode("utf-8")

    def predict(request: bytes, context: grpc.ServicerContext) -> bytes:
        try:
            return predictor.predict(request)
        except PredictionError as error:
            context.abort(getattr(grpc.StatusCode, error.status), error.message)
        except Exception as error:  # a bug of this package, not of the model: say so rather than hang up
            context.abort(grpc.StatusCode.INTERNAL,
                          f"carrara worker failed: {type(error).__name__}: {error}"[: PredictionError.MAX_MESSAGE_LENGTH])
        raise AssertionError("grpc's context.abort raises; it did not")  # for type checkers: abort never returns

    def health_check(request: bytes, context: grpc.ServicerContext) -> bytes:
        return health

    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Predict": grpc.unary_unary_rpc_method_handler(predict, request_deserializer=None, response_serializer=None),
        "Health": grpc.unary_unary_rpc_method_handler(health_check, request_deserializer=None, response_serializer=None),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=SERVER_THREADS, thread_name_prefix="carrara-grpc"),
                         options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                                  ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)])
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"unix:{socket_path}")
    server.start()
    return server


def _remove_socket(socket_path: str) -> None:
    # A socket left by a worker that was killed would make the bind fail; only ever remove a socket.
    try:
        if stat.S_ISSOCK(os.lstat(socket_path).st_mode):
            os.unlink(socket_path)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    sys.exit(main())
