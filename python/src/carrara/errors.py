"""The errors of the carrara package, one type per outcome the worker and the CLI must tell apart."""
from __future__ import annotations


class CarraraError(Exception):
    """Base of every error this package raises on purpose."""


class ModelHomeError(CarraraError):
    """The model home cannot be loaded: a bad carrara.yaml, a missing file, model.py failing to import
    or its class failing to construct. The message names the file, the field and the fix. The worker
    exits with status 3 on it, `python -m carrara validate` too."""


class ColumnConversionError(CarraraError):
    """A column's values cannot be converted to the declared type; the message names the column and
    the first row that fails."""


class PredictionError(CarraraError):
    """One prediction request failed. `status` is the name of the status the worker answers with
    (carrara.wire):
    INVALID_ARGUMENT when the request or the model refused the input (predict raised),
    FAILED_PRECONDITION when the model answered something that breaks the contract."""

    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"

    # The Java side shows this message to the caller; the contract caps it at 2,000 characters.
    MAX_MESSAGE_LENGTH = 2000

    def __init__(self, status: str, message: str):
        if len(message) > self.MAX_MESSAGE_LENGTH:
            message = message[: self.MAX_MESSAGE_LENGTH - 3] + "..."
        super().__init__(message)
        self.status = status
        self.message = message
