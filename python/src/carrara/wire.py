"""The worker's wire format on its Unix socket: one call at a time per connection, each a frame each way.

A frame is an 8-byte header and a payload:

    byte 0     request: the method (1 = predict, 2 = health); answer: the status (0 = ok, else an error)
    byte 1     the protocol version, 1
    bytes 2-3  zero
    bytes 4-7  the payload's length in bytes, unsigned big-endian, at most MAX_PAYLOAD_BYTES

A predict payload is an Arrow IPC stream each way; a health answer is JSON; an error's payload is its
message in UTF-8. The Java side is io.carrara.python.WorkerConnections; docs/python-models.md describes both.
"""
from __future__ import annotations

import socket
import struct

VERSION = 1
HEADER = struct.Struct(">BBxxI")
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024

PREDICT = 1
HEALTH = 2

OK = 0
INVALID_ARGUMENT = 1
FAILED_PRECONDITION = 2
INTERNAL = 3
BAD_FRAME = 4

STATUS_NAMES = {OK: "OK", INVALID_ARGUMENT: "INVALID_ARGUMENT", FAILED_PRECONDITION: "FAILED_PRECONDITION",
                INTERNAL: "INTERNAL", BAD_FRAME: "BAD_FRAME"}
STATUS_CODES = {name: code for code, name in STATUS_NAMES.items()}


class WireError(Exception):
    """The peer broke the format or hung up mid-frame."""


class CallFailed(Exception):
    """The worker answered a call with an error status (a client-side view, for tests and tools)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"{STATUS_NAMES.get(status, status)}: {message}")
        self.status = status
        self.message = message


def read_exactly(connection: socket.socket, size: int) -> bytearray | None:
    """`size` bytes, or None when the peer closed the connection before the first of them."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = connection.recv_into(view[received:])
        if count == 0:
            if received == 0:
                return None
            raise WireError(f"the connection closed after {received} of {size} bytes")
        received += count
    return buffer


def read_frame(connection: socket.socket) -> tuple[int, bytearray] | None:
    """(method or status, payload), or None at a clean end of the connection."""
    header = read_exactly(connection, HEADER.size)
    if header is None:
        return None
    kind, version, length = HEADER.unpack(header)
    if version != VERSION:
        raise WireError(f"protocol version {version}, this side speaks {VERSION}")
    if length > MAX_PAYLOAD_BYTES:
        raise WireError(f"a payload of {length} bytes, over the {MAX_PAYLOAD_BYTES} allowed")
    payload = read_exactly(connection, length) if length else bytearray()
    if payload is None:
        raise WireError("the connection closed between a header and its payload")
    return kind, payload


def write_frame(connection: socket.socket, kind: int, payload: bytes | bytearray | memoryview) -> None:
    header = HEADER.pack(kind, VERSION, len(payload))
    if len(payload) < 4096:
        connection.sendall(header + bytes(payload))
    else:
        connection.sendall(header)
        connection.sendall(payload)


def call(connection: socket.socket, method: int, payload: bytes) -> bytes:
    """One call on a connected socket; raises CallFailed on an error status."""
    write_frame(connection, method, payload)
    answer = read_frame(connection)
    if answer is None:
        raise WireError("the worker closed the connection without answering")
    status, body = answer
    if status != OK:
        raise CallFailed(status, bytes(body).decode("utf-8", "replace"))
    return bytes(body)


def connect(path: str, timeout: float | None = None) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    connection.connect(path)
    return connection
