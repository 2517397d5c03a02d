"""The Carrara SDK for notebooks and scripts: `carrara.connect()` gives a `Client` for the whole
HTTP API of a Carrara server. Needs httpx and tqdm; pandas and pyarrow (`carrara[pandas]`) for
DataFrames, grpcio (`carrara[grpc]`) for Open Inference Protocol calls over gRPC."""
from __future__ import annotations

from carrara.sdk._core import (CarraraError, ConflictError, InvalidInputError, JobFailedError, NotFoundError,
                               PermissionDeniedError, ResultList, UnauthenticatedError, UnavailableError)
from carrara.sdk.client import Client, connect, login, logout

__all__ = ["Client", "connect", "login", "logout", "CarraraError", "ConflictError", "InvalidInputError",
           "JobFailedError", "NotFoundError", "PermissionDeniedError", "ResultList", "UnauthenticatedError",
           "UnavailableError"]
