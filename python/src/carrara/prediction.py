"""The one path every prediction takes, in the worker and in validation: Arrow bytes in, decode,
predict, check and encode the answer, Arrow bytes out."""
from __future__ import annotations

import threading

from carrara import codec
from carrara.errors import ColumnConversionError, PredictionError
from carrara.loading import LoadedModel, describe_exception


class Predictor:
    """Answers Arrow IPC requests with the loaded model. Decoding and encoding run concurrently;
    predict itself is serialized because models are not assumed to be thread-safe."""

    def __init__(self, loaded: LoadedModel):
        self.loaded = loaded
        self._home = loaded.home
        self._predict_lock = threading.Lock()

    def wait_idle(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for a prediction under way to end; False when it did not."""
        if self._predict_lock.acquire(timeout=timeout):
            self._predict_lock.release()
            return True
        return False

    def predict(self, request: bytes | bytearray) -> bytes:
        """Raises PredictionError with the status to answer (carrara.wire's names)."""
        home = self._home
        try:
            table = codec.read_stream(request)
            inputs = codec.decode_inputs(table, home.kind, home.inputs)
        except ColumnConversionError as error:
            raise PredictionError(PredictionError.INVALID_ARGUMENT, f"bad request: {error}") from None
        rows = table.num_rows
        with self._predict_lock:
            try:
                result = self.loaded.model.predict(inputs)
            except Exception as error:
                raise PredictionError(PredictionError.INVALID_ARGUMENT,
                                      f"predict raised {describe_exception(error, home.model_file)}") from None
        try:
            if home.kind == "dataframe":
                codec.dataframe_rows(result, rows)
            else:
                result = codec.tensor_mapping(result)
            batch = codec.encode_columns(home.kind, home.outputs, result, rows, "output column")
        except ColumnConversionError as error:
            raise PredictionError(PredictionError.FAILED_PRECONDITION,
                                  f"{self.loaded.model_class.__name__}.predict ({self.loaded.predict_location}) "
                                  f"answered outside the contract in carrara.yaml: {error}") from None
        return codec.write_stream(batch)
