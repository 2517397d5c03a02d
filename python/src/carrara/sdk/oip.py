"""The Open Inference Protocol (KServe v2) of a Carrara server, over REST (`/v2`) and gRPC
(`inference.GRPCInferenceService`, served on the same port as the HTTP API): health, model metadata
and readiness, and inference with tensors given as numpy arrays.

A model of the protocol is a deployment; its versions are the ids of its model's instances, and
naming one pins that instance. Tensors are columns: each input is one input column whose first
dimension is the number of rows. numpy is needed for `infer` (it comes with `carrara[pandas]`);
grpcio and protobuf only for `protocol="grpc"` (`carrara[grpc]`), and both are imported when first
used.
"""
from __future__ import annotations

import dataclasses
import math
import os
import struct
import threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, urlsplit

from carrara.sdk._core import (CarraraError, InvalidInputError, Transport, UnavailableError, authentication_hint,
                               error_class, error_from_response, from_dict, html_table, object_id, object_name)

PROTOCOLS = ("rest", "grpc")
GRPC_SERVICE = "inference.GRPCInferenceService"
ERROR_DOMAIN = "carrara.io"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"

# The HTTP status each of the server's error types answers (docs/api.md "Errors"), so an error that
# came over gRPC carries the same `status` as the same error over REST.
_HTTP_STATUS_OF_TYPE = {"INVALID_INPUT": 400, "UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
                        "METHOD_NOT_ALLOWED": 405, "ALREADY_EXISTS": 409, "CONFLICT": 409, "TOO_LARGE": 413,
                        "UNSUPPORTED_MEDIA_TYPE": 415, "TOO_MANY_REQUESTS": 429, "INTERNAL": 500, "UNAVAILABLE": 503}
# For a gRPC status without Carrara's ErrorInfo (a proxy's, or grpcio's own): its HTTP counterpart.
_HTTP_STATUS_OF_GRPC = {"INVALID_ARGUMENT": 400, "PERMISSION_DENIED": 403, "UNAUTHENTICATED": 401, "NOT_FOUND": 404,
                        "UNIMPLEMENTED": 405, "ALREADY_EXISTS": 409, "FAILED_PRECONDITION": 409, "ABORTED": 409,
                        "RESOURCE_EXHAUSTED": 413, "INTERNAL": 500, "UNKNOWN": 500, "DATA_LOSS": 500,
                        "UNAVAILABLE": 503, "DEADLINE_EXCEEDED": 503, "CANCELLED": 503}

# numpy dtype (kind, item size) -> the protocol's data type.
_DATATYPE_OF_DTYPE = {("b", 1): "BOOL", ("i", 1): "INT8", ("i", 2): "INT16", ("i", 4): "INT32", ("i", 8): "INT64",
                      ("u", 1): "UINT8", ("u", 2): "UINT16", ("u", 4): "UINT32", ("u", 8): "UINT64",
                      ("f", 2): "FP16", ("f", 4): "FP32", ("f", 8): "FP64"}
# The protocol's data type -> (numpy dtype, little-endian raw form, gRPC typed contents field).
_NUMPY_OF_DATATYPE = {"BOOL": ("bool", "|b1", "bool_contents"), "INT8": ("int8", "|i1", "int_contents"),
                      "INT16": ("int16", "<i2", "int_contents"), "INT32": ("int32", "<i4", "int_contents"),
                      "INT64": ("int64", "<i8", "int64_contents"), "UINT8": ("uint8", "|u1", "uint_contents"),
                      "UINT16": ("uint16", "<u2", "uint_contents"), "UINT32": ("uint32", "<u4", "uint_contents"),
                      "UINT64": ("uint64", "<u8", "uint64_contents"), "FP16": ("float16", "<f2", ""),
                      "FP32": ("float32", "<f4", "fp32_contents"), "FP64": ("float64", "<f8", "fp64_contents"),
                      "BYTES": ("object", "", "bytes_contents")}
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


# ---------------------------------------------------------------- objects

@dataclasses.dataclass
class RowError:
    """Why one row was not scored, as the server reported it: `row` its position in the request (from 0),
    `code` the server's code (`ROW_INVALID`, `SCHEMA_MISMATCH`, `FEATURE_MISSING`, `MODEL_UNAVAILABLE`,
    ...), `number` and `type` the code's identity, `message` what is wrong and what to do, and `column`
    the row's column at fault when the error names one."""
    row: Optional[int]
    code: str
    message: str
    number: Optional[int] = None
    type: Optional[str] = None
    column: Optional[str] = None

    @classmethod
    def from_body(cls, body: Mapping[str, Any], row: Optional[int] = None) -> RowError:
        """A row error from the server's JSON form of it (a predict answer's row, or an OIP error's `rows`)."""
        number = body.get("number")
        position = body.get("row", row)
        return cls(row=int(position) if isinstance(position, int) else row,
                   code=str(body.get("code") or "ROW_INVALID"),
                   message=str(body.get("message") or body.get("error") or ""),
                   number=number if isinstance(number, int) else None,
                   type=body.get("type"), column=body.get("column"))


class RowsNotScoredError(InvalidInputError):
    """An inference batch in which rows failed to score (or a skip stage dropped rows, which a tensor
    batch cannot express): the request's error, plus `rows`, each failed row's own `RowError`. Send
    such rows through `Client.predict`, which reports each row in its place and scores the others."""

    def __init__(self, message: str, *, rows: Sequence[RowError], status: int = 400, code: str = "INVALID_ARGUMENT",
                 number: Optional[int] = None, type: Optional[str] = None, field: Optional[str] = None):
        super().__init__(message, status=status, code=code, number=number, type=type, field=field)
        self.rows: List[RowError] = list(rows)


@dataclasses.dataclass
class TensorMetadata:
    """One input or output tensor of a model: its name, data type (`FP64`, `BYTES`, ...) and shape, where
    -1 stands for the number of rows."""
    name: str
    datatype: str
    shape: List[int]


@dataclasses.dataclass
class ModelMetadata:
    """An OIP model's metadata: the deployment's `name`, the instance ids of its model (`versions`),
    the `platform` (the artifact format) and its input and output tensors."""
    name: str
    versions: List[str]
    platform: str
    inputs: List[TensorMetadata]
    outputs: List[TensorMetadata]

    def _repr_html_(self) -> str:
        rows = [{"direction": "input", "name": t.name, "datatype": t.datatype, "shape": t.shape} for t in self.inputs]
        rows += [{"direction": "output", "name": t.name, "datatype": t.datatype, "shape": t.shape} for t in self.outputs]
        return (f"<p><b>{self.name}</b> ({self.platform}); versions: {', '.join(self.versions)}</p>"
                + html_table(rows, limit=200))


class InferenceResult(Dict[str, Any]):
    """An inference answer: a dict of output name to numpy array (shaped as the server answered), with
    `model_name`, `model_version` (the instance that scored the batch), `id` (the request's, echoed),
    `parameters`, and `prediction_ids` (the ids of the rows sampled into the prediction log, in row
    order, None for rows not sampled; empty when none were)."""

    def __init__(self, outputs: Mapping[str, Any], *, model_name: str, model_version: str, id: Optional[str],
                 parameters: Mapping[str, Any]):
        super().__init__(outputs)
        self.model_name = model_name
        self.model_version = model_version
        self.id = id
        self.parameters = dict(parameters)
        ids = str(self.parameters.get("prediction_ids") or "")
        self.prediction_ids: List[Optional[str]] = [value or None for value in ids.split(",")] if ids else []


# ---------------------------------------------------------------- the mixin

class InferenceApi(Transport):
    """The Open Inference Protocol (KServe v2), over REST or gRPC.

    These are methods of `Client`: `infer`, `model_metadata`, `model_ready`, `server_ready`, `server_live`
    and `server_metadata`, each over REST (the default) or gRPC (`protocol="grpc"`)."""

    _grpc_lock = threading.Lock()

    def infer(self, name: Any, inputs: Any, *, protocol: str = "rest", version: Any = None,
              outputs: Optional[Sequence[str]] = None, id: Optional[str] = None) -> InferenceResult:
        """Scores a batch of rows given as tensors with the deployment `name` (a name or a `Deployment`).

        inputs: input name (a column) -> numpy array, list or pandas Series, one element (or one row of
        a 2-D array, for a vector column) per row; a pandas DataFrame gives one tensor per column. The
        data type follows the dtype (bool BOOL, int8..int64 INT8..INT64, uint UINT8..UINT64, float16/32/64
        FP16/FP32/FP64, strings BYTES); None in an object array is a missing value (REST only; over gRPC
        use NaN in a float array), and an input of only missing values takes the data type the model
        declares. protocol: "rest" or "grpc" (the server's host and port: plaintext HTTP/2 for an http://
        URL, TLS for https://, checked with gRPC's trusted roots or the CA bundle file given as
        `connect(verify=...)`; verify=False cannot apply to gRPC; needs `carrara[grpc]`).
        version: an instance id (or `Instance`) to pin. outputs: only these outputs. id: echoed back.

        Answers an `InferenceResult`, a dict of output name to numpy array reshaped to the answer's
        shape. Raises `RowsNotScoredError` (with each failed row) when rows fail to score, `NotFoundError`
        for an unknown deployment or version, `UnavailableError` for a model that is not ready.
        """
        numpy = _require_numpy("infer()")
        model = object_name(name, "deployment")
        pinned = object_id(version, "instance") if version is not None else None
        tensors = _input_tensors(numpy, inputs)
        protocol = _protocol(protocol)
        if any(not datatype for _, datatype, _ in tensors):
            # A tensor of only missing values says nothing of its type: take the one the model declares.
            declared = {t.name: t.datatype for t in self.model_metadata(model, version=pinned).inputs}
            tensors = [(n, d or declared.get(n, "FP64"), a) for n, d, a in tensors]
        if protocol == "grpc":
            return self._grpc_infer(numpy, model, pinned, tensors, outputs, id)
        body: Dict[str, Any] = {"inputs": [{"name": tensor_name, "datatype": datatype, "shape": list(array.shape),
                                            "data": _rest_data(array, datatype)}
                                           for tensor_name, datatype, array in tensors]}
        if id is not None:
            body["id"] = str(id)
        if outputs is not None:
            body["outputs"] = [{"name": str(output)} for output in outputs]
        response = self._request("POST", _model_path(model, pinned) + "/infer", json_body=body,
                                 expect=range(400, 600))
        if response.status_code >= 400:
            raise _oip_rest_error(response)
        answer = response.json()
        result = {str(tensor["name"]): _rest_output(numpy, tensor) for tensor in answer.get("outputs") or []}
        return InferenceResult(result, model_name=str(answer.get("model_name") or model),
                               model_version=str(answer.get("model_version") or ""), id=answer.get("id"),
                               parameters=answer.get("parameters") or {})

    def model_metadata(self, name: Any, *, version: Any = None, protocol: str = "rest") -> ModelMetadata:
        """The deployment's OIP metadata: its model's instance ids, its platform, and its inputs (from the
        instance's declared `inputSchema`) and outputs (the columns the pipeline adds). NotFoundError for
        an unknown deployment or version."""
        model = object_name(name, "deployment")
        pinned = object_id(version, "instance") if version is not None else None
        if _protocol(protocol) == "grpc":
            pb2 = _require_grpc_modules()[1]
            answer = self._grpc_call("ModelMetadata", pb2.ModelMetadataRequest(name=model, version=pinned or ""))

            def tensor(item: Any) -> TensorMetadata:
                return TensorMetadata(name=item.name, datatype=item.datatype, shape=[int(d) for d in item.shape])

            return ModelMetadata(name=answer.name, versions=list(answer.versions), platform=answer.platform,
                                 inputs=[tensor(t) for t in answer.inputs], outputs=[tensor(t) for t in answer.outputs])
        body = self._oip_json("GET", _model_path(model, pinned))
        return ModelMetadata(name=str(body.get("name")), versions=[str(v) for v in body.get("versions") or []],
                             platform=str(body.get("platform") or ""),
                             inputs=[from_dict(TensorMetadata, t) for t in body.get("inputs") or []],
                             outputs=[from_dict(TensorMetadata, t) for t in body.get("outputs") or []])

    def model_ready(self, name: Any, *, version: Any = None, protocol: str = "rest") -> bool:
        """Whether the deployment (or one version of it) is loaded and answers: False while it loads or
        after it failed to (`model_ready_reason` says why); NotFoundError for an unknown deployment."""
        ready, _ = self._model_readiness(object_name(name, "deployment"), object_id(version, "instance") if version is not None
                                         else None, _protocol(protocol))
        return ready

    def model_ready_reason(self, name: Any, *, version: Any = None) -> Optional[str]:
        """None when the deployment is ready; else the server's reason (loading, a load failure, the
        feature store not answering)."""
        return self._model_readiness(object_name(name, "deployment"), object_id(version, "instance") if version is not None
                                     else None, "rest")[1]

    def server_ready(self, *, protocol: str = "rest") -> bool:
        """Whether every deployment of the server is loaded (GET /v2/health/ready, gRPC ServerReady)."""
        if _protocol(protocol) == "grpc":
            pb2 = _require_grpc_modules()[1]
            return bool(self._grpc_call("ServerReady", pb2.ServerReadyRequest()).ready)
        response = self._request("GET", "/v2/health/ready", expect=(503,))
        return response.status_code == 200

    def server_live(self, *, protocol: str = "rest") -> bool:
        """Whether the server answers inference calls at all (GET /v2/health/live, gRPC ServerLive)."""
        if _protocol(protocol) == "grpc":
            pb2 = _require_grpc_modules()[1]
            return bool(self._grpc_call("ServerLive", pb2.ServerLiveRequest()).live)
        response = self._request("GET", "/v2/health/live", expect=(503,))
        return response.status_code == 200

    def server_metadata(self, *, protocol: str = "rest") -> Dict[str, Any]:
        """The server's OIP metadata: {"name": "carrara", "version", "extensions"}."""
        if _protocol(protocol) == "grpc":
            pb2 = _require_grpc_modules()[1]
            answer = self._grpc_call("ServerMetadata", pb2.ServerMetadataRequest())
            return {"name": answer.name, "version": answer.version, "extensions": list(answer.extensions)}
        return dict(self._oip_json("GET", "/v2"))

    def close(self) -> None:
        """Closes the HTTP connections and the gRPC channel, if one was opened."""
        channel = self.__dict__.pop("_grpc_channel", None)
        if channel is not None:
            channel.close()
        self.__dict__.pop("_oip_stub", None)
        super().close()

    # -- REST helpers

    def _oip_json(self, method: str, path: str) -> Any:
        response = self._request(method, path, expect=range(400, 600))
        if response.status_code >= 400:
            raise _oip_rest_error(response)
        return response.json()

    def _model_readiness(self, model: str, pinned: Optional[str], protocol: str) -> Tuple[bool, Optional[str]]:
        if protocol == "grpc":
            pb2 = _require_grpc_modules()[1]
            answer = self._grpc_call("ModelReady", pb2.ModelReadyRequest(name=model, version=pinned or ""))
            return bool(answer.ready), None if answer.ready else "not ready (gRPC gives no reason; ask over REST)"
        response = self._request("GET", _model_path(model, pinned) + "/ready", expect=range(400, 600))
        if response.status_code == 200:
            return True, None
        error = _oip_rest_error(response)
        if response.status_code == 503:
            return False, error.message
        raise error

    # -- gRPC helpers

    def _grpc_stub(self) -> Any:
        stub = self.__dict__.get("_oip_stub")
        if stub is not None:
            return stub
        grpc, _, pb2_grpc = _require_grpc_modules()
        with self._grpc_lock:
            stub = self.__dict__.get("_oip_stub")
            if stub is None:
                target, secure = _grpc_target(self.url)
                # Tensors may be large; the server enforces its own request limit and names it.
                options = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
                if secure:
                    credentials = grpc.ssl_channel_credentials(
                        root_certificates=_root_certificates(self.verify))
                    channel = grpc.secure_channel(target, credentials, options=options)
                else:
                    channel = grpc.insecure_channel(target, options=options)
                stub = pb2_grpc.GRPCInferenceServiceStub(channel)
                self.__dict__["_grpc_channel"] = channel
                self.__dict__["_oip_stub"] = stub
        return stub

    def _grpc_metadata(self) -> List[Tuple[str, str]]:
        metadata = [("x-carrara-user", self.user)]
        if self.token:
            metadata.append(("authorization", f"Bearer {self.token}"))
        return metadata

    def _grpc_call(self, method: str, request: Any) -> Any:
        grpc = _require_grpc_modules()[0]
        timeout = self._http.timeout.read
        try:
            return getattr(self._grpc_stub(), method)(request, timeout=timeout, metadata=self._grpc_metadata())
        except grpc.RpcError as error:
            raise _grpc_error(error, f"{GRPC_SERVICE}/{method}", self.url, self.token_source) from None

    def _grpc_infer(self, numpy: Any, model: str, pinned: Optional[str], tensors: List[Tuple[str, str, Any]],
                    outputs: Optional[Sequence[str]], id: Optional[str]) -> InferenceResult:
        pb2 = _require_grpc_modules()[1]
        request = pb2.ModelInferRequest(model_name=model, model_version=pinned or "", id="" if id is None else str(id))
        for tensor_name, datatype, array in tensors:
            tensor = request.inputs.add(name=tensor_name, datatype=datatype, shape=list(array.shape))
            _grpc_contents(numpy, tensor, tensor_name, datatype, array)
        for output in outputs or ():
            request.outputs.add(name=str(output))
        answer = self._grpc_call("ModelInfer", request)
        result: Dict[str, Any] = {}
        for index, tensor in enumerate(answer.outputs):
            raw = answer.raw_output_contents[index] if index < len(answer.raw_output_contents) else None
            result[tensor.name] = _grpc_output(numpy, tensor, raw)
        parameters = {key: _grpc_parameter(value) for key, value in answer.parameters.items()}
        return InferenceResult(result, model_name=answer.model_name or model, model_version=answer.model_version,
                               id=answer.id or None, parameters=parameters)


def _grpc_target(url: str) -> Tuple[str, bool]:
    """The gRPC target ("host:port", an IPv6 host in brackets) of the server's URL, and whether it is TLS."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    host = parts.hostname or "localhost"
    if ":" in host:  # an IPv6 address: urlsplit strips its brackets, gRPC needs them back
        host = f"[{host}]"
    return f"{host}:{port}", secure


def _root_certificates(verify: Any) -> Optional[bytes]:
    """The CA certificates for the gRPC channel from `connect(verify=...)`: None (gRPC's own trusted roots)
    for True, the bundle's bytes for a file path; gRPC cannot turn verification off."""
    if verify is True:
        return None
    if isinstance(verify, (str, os.PathLike)):
        path = os.fspath(verify)
        if os.path.isdir(path):
            raise InvalidInputError(f"verify={path!r} is a directory of certificates, which gRPC cannot read; pass "
                                    "the path of one PEM bundle file to carrara.connect(verify=...), or use "
                                    "protocol='rest'", code="INVALID_ARGUMENT", field="verify")
        try:
            with open(path, "rb") as bundle:
                return bundle.read()
        except OSError as error:
            raise InvalidInputError(f"cannot read the CA bundle verify={path!r} for gRPC ({error})",
                                    code="INVALID_ARGUMENT", field="verify") from None
    if verify is False:
        raise InvalidInputError("gRPC needs a verified server certificate, and this client was connected with "
                                "verify=False: use protocol='rest', or connect with verify= the path of the CA bundle "
                                "that signed the server's certificate", code="INVALID_ARGUMENT", field="verify")
    raise InvalidInputError(f"gRPC cannot use verify={type(verify).__name__}; connect with verify=True or the path of "
                            "a PEM CA bundle, or use protocol='rest'", code="INVALID_ARGUMENT", field="verify")


# ---------------------------------------------------------------- lazily imported dependencies

def _require_numpy(what: str) -> Any:
    try:
        import numpy
    except ImportError:
        raise ImportError(f"{what} needs numpy: pip install 'carrara[pandas]' (or pip install numpy)") from None
    return numpy


def _require_grpc_modules() -> Tuple[Any, Any, Any]:
    """grpc and the generated messages and stub; an ImportError saying what to install otherwise."""
    try:
        import grpc
    except ImportError:
        raise ImportError("protocol='grpc' needs grpcio and protobuf: pip install 'carrara[grpc]'") from None
    try:
        from carrara.sdk._oip import grpc_predict_v2_pb2, grpc_predict_v2_pb2_grpc
    except ImportError as error:
        raise ImportError(f"protocol='grpc' needs protobuf: pip install 'carrara[grpc]' ({error})") from None
    except RuntimeError as error:  # the generated code's check that grpcio/protobuf are new enough
        raise ImportError(f"protocol='grpc' needs newer grpcio/protobuf: pip install -U 'carrara[grpc]' ({error})") \
            from None
    return grpc, grpc_predict_v2_pb2, grpc_predict_v2_pb2_grpc


# ---------------------------------------------------------------- tensors

def _protocol(protocol: str) -> str:
    if protocol not in PROTOCOLS:
        raise InvalidInputError(f"protocol must be 'rest' or 'grpc', not {protocol!r}", code="INVALID_ARGUMENT",
                                field="protocol")
    return protocol


def _model_path(model: str, version: Optional[str]) -> str:
    path = f"/v2/models/{quote(model, safe='')}"
    return path + (f"/versions/{quote(version, safe='')}" if version else "")


def _input_tensors(numpy: Any, inputs: Any) -> List[Tuple[str, str, Any]]:
    """(name, datatype, array) per input, the array's shape the tensor's (a scalar becomes shape [1])."""
    if hasattr(inputs, "columns") and hasattr(inputs, "__getitem__") and not isinstance(inputs, Mapping):
        inputs = {str(column): inputs[column].to_numpy() for column in inputs.columns}  # a pandas DataFrame
    if not isinstance(inputs, Mapping) or not inputs:
        raise TypeError("inputs must be a non-empty dict of input name to numpy array (or list), or a DataFrame")
    tensors = []
    for name, value in inputs.items():
        if hasattr(value, "to_numpy"):
            value = value.to_numpy()  # a pandas Series
        array = numpy.asarray(value)
        if array.ndim == 0:
            array = array.reshape(1)
        tensors.append((str(name), *_typed(numpy, str(name), array)))
    return tensors


def _typed(numpy: Any, name: str, array: Any) -> Tuple[str, Any]:
    """The protocol's data type of an array ("" when it holds only missing values), and the array converted
    to what travels."""
    kind = array.dtype.kind
    if kind in "US":
        return "BYTES", array.astype(object)
    datatype = _DATATYPE_OF_DTYPE.get((kind, array.dtype.itemsize))
    if datatype is not None:
        return datatype, array
    if kind != "O":
        raise TypeError(f"input {name!r} has dtype {array.dtype}, which no OIP data type carries; send bool, int, "
                        "uint, float or str values")
    # An object array (strings, or values with None for missing ones): the type of what it holds.
    values = [v for v in array.ravel().tolist() if not _missing(v)]
    if not values:
        return "", array  # only missing values: the caller takes the model's declared data type
    if all(isinstance(v, (str, bytes)) for v in values):
        return "BYTES", array
    if all(isinstance(v, (bool, numpy.bool_)) for v in values):
        return "BOOL", array
    if all(isinstance(v, (int, numpy.integer)) and not isinstance(v, (bool, numpy.bool_)) for v in values):
        return "INT64", array
    if all(isinstance(v, (int, float, numpy.integer, numpy.floating)) and not isinstance(v, (bool, numpy.bool_))
           for v in values):
        return "FP64", array
    kinds = sorted({type(v).__name__ for v in values})
    raise TypeError(f"input {name!r} mixes values of types {', '.join(kinds)}; a tensor holds one data type")


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _rest_data(array: Any, datatype: str) -> List[Any]:
    """The flat, row-major JSON data of a tensor: NaN and infinities as the strings the protocol uses for
    them in FP tensors, a missing value as null."""
    data: List[Any] = []
    for value in array.ravel().tolist():
        if datatype == "BYTES":
            data.append(None if _missing(value) else value.decode("utf-8") if isinstance(value, bytes) else str(value))
        elif datatype.startswith("FP"):
            if value is None or type(value).__name__ in ("NAType", "NaTType"):
                data.append(None)
            else:
                number = float(value)
                data.append(number if math.isfinite(number) else "NaN" if math.isnan(number)
                            else "Infinity" if number > 0 else "-Infinity")
        elif datatype == "BOOL":
            data.append(None if _missing(value) else bool(value))
        else:
            data.append(None if _missing(value) else int(value))
    return data


def _grpc_contents(numpy: Any, tensor: Any, name: str, datatype: str, array: Any) -> None:
    """Fills a gRPC input tensor's typed contents (FP16, which travels only raw, is sent as FP32)."""
    if datatype == "FP16":
        tensor.datatype = datatype = "FP32"
        array = array.astype("float32")
    flat = array.ravel().tolist()
    if any(_missing(value) for value in flat) and not datatype.startswith("FP"):
        raise InvalidInputError(f"input {name!r} holds a missing value (None), which gRPC tensors cannot carry; send "
                                "it over REST (protocol='rest'), where it travels as null", code="INVALID_ARGUMENT",
                                field=name)
    field = _NUMPY_OF_DATATYPE[datatype][2]
    if datatype == "BYTES":
        values: List[Any] = [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in flat]
    elif datatype.startswith("FP"):
        values = [math.nan if v is None or type(v).__name__ == "NAType" else float(v) for v in flat]
    elif datatype == "BOOL":
        values = [bool(v) for v in flat]
    else:
        values = [int(v) for v in flat]
    getattr(tensor.contents, field).extend(values)


def _rest_output(numpy: Any, tensor: Mapping[str, Any]) -> Any:
    datatype = str(tensor.get("datatype"))
    shape = [int(d) for d in tensor.get("shape") or []]
    data = list(_flatten(tensor.get("data") or []))
    if datatype.startswith("FP"):
        values = [math.nan if v is None else _NON_FINITE[v] if isinstance(v, str) else v for v in data]
        return numpy.array(values, dtype=_NUMPY_OF_DATATYPE[datatype][0]).reshape(shape)
    if datatype == "BYTES" or any(v is None for v in data):
        array = numpy.empty(len(data), dtype=object)
        array[:] = data
        return array.reshape(shape)
    return numpy.array(data, dtype=_NUMPY_OF_DATATYPE.get(datatype, ("object",))[0]).reshape(shape)


def _flatten(data: Sequence[Any]) -> Any:
    for value in data:
        if isinstance(value, list):
            yield from _flatten(value)
        else:
            yield value


def _grpc_output(numpy: Any, tensor: Any, raw: Optional[bytes]) -> Any:
    datatype = tensor.datatype
    shape = [int(d) for d in tensor.shape]
    dtype, raw_dtype, field = _NUMPY_OF_DATATYPE.get(datatype, ("object", "", ""))
    if raw is not None:
        if datatype == "BYTES":
            strings = []
            offset = 0
            while offset < len(raw):
                (length,) = struct.unpack_from("<I", raw, offset)
                strings.append(raw[offset + 4:offset + 4 + length].decode("utf-8"))
                offset += 4 + length
            array = numpy.empty(len(strings), dtype=object)
            array[:] = strings
            return array.reshape(shape)
        return numpy.frombuffer(raw, dtype=raw_dtype).astype(dtype).reshape(shape)
    values = list(getattr(tensor.contents, field)) if field else []
    if datatype == "BYTES":
        array = numpy.empty(len(values), dtype=object)
        array[:] = [v.decode("utf-8") for v in values]
        return array.reshape(shape)
    return numpy.array(values, dtype=dtype).reshape(shape)


def _grpc_parameter(value: Any) -> Any:
    choice = value.WhichOneof("parameter_choice")
    return getattr(value, choice) if choice else None


# ---------------------------------------------------------------- errors

def _oip_rest_error(response: Any) -> CarraraError:
    """The protocol's {"error"} answer as an exception with the server's code, field and status; a batch
    whose rows failed to score as `RowsNotScoredError` with each row's error."""
    error = error_from_response(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    rows = body.get("rows") if isinstance(body, dict) else None
    if isinstance(rows, list) and rows:
        return RowsNotScoredError(error.message, rows=[RowError.from_body(row) for row in rows if isinstance(row, dict)],
                                  status=error.status, code=error.code, number=error.number, type=error.type,
                                  field=error.field)
    return error


def _grpc_error(error: Any, call: str, url: str, token_source: Optional[str] = None) -> CarraraError:
    """A gRPC failure as CarraraError: the code from the `google.rpc.ErrorInfo` in the status details
    (grpc-status-details-bin), else from the gRPC status. UNAUTHENTICATED and PERMISSION_DENIED become
    `UnauthenticatedError` and `PermissionDeniedError`, their message saying what to do (`token_source`:
    where the token sent came from, None when none was)."""
    status_code = error.code() if callable(getattr(error, "code", None)) else None
    status_name = getattr(status_code, "name", "UNKNOWN")
    message = (error.details() if callable(getattr(error, "details", None)) else None) or str(error)
    if status_name in ("UNAUTHENTICATED", "PERMISSION_DENIED"):
        hint = authentication_hint(_HTTP_STATUS_OF_GRPC[status_name], token_source)
        if status_name == "UNAUTHENTICATED" or "grant" not in message.lower():
            message = f"{message.rstrip('. ')}. {hint}"
    details: Optional[bytes] = None
    trailers = error.trailing_metadata() if callable(getattr(error, "trailing_metadata", None)) else None
    for key, value in trailers or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            details = value
    infos: List[Tuple[str, Dict[str, str]]] = []
    if details:
        try:
            infos = _error_infos(details)
        except (ValueError, IndexError, UnicodeDecodeError, struct.error):
            infos = []  # details we cannot read: the gRPC status still says what happened
    if not infos:
        if status_name == "UNAVAILABLE":
            return UnavailableError(f"{call}: no answer from {url} over gRPC ({message}); is the server running, and "
                                    "does it serve gRPC on its HTTP port?", status=503, code="UNREACHABLE")
        status = _HTTP_STATUS_OF_GRPC.get(status_name, 500)
        return _error_class(status)(message, status=status, code=status_name)
    reason, metadata = infos[0]
    number = metadata.get("number")
    type_name = metadata.get("type")
    status = _HTTP_STATUS_OF_TYPE.get(type_name or "", _HTTP_STATUS_OF_GRPC.get(status_name, 500))
    common: Dict[str, Any] = dict(status=status, code=reason,
                                  number=int(number) if number and number.isdigit() else None,
                                  type=type_name, field=metadata.get("field"))
    rows = [RowError(row=int(m["row"]) if m.get("row", "").isdigit() else None, code=r, message=m.get("message", ""),
                     number=int(m["number"]) if m.get("number", "").isdigit() else None, type=m.get("type"),
                     column=m.get("column"))
            for r, m in infos[1:] if "row" in m]
    if rows:
        return RowsNotScoredError(message, rows=rows, **common)
    return _error_class(status)(message, **common)


def _error_class(status: int) -> Any:
    return error_class(status)


def _error_infos(status_bytes: bytes) -> List[Tuple[str, Dict[str, str]]]:
    """The (reason, metadata) of each `google.rpc.ErrorInfo` of Carrara's domain in a serialized
    `google.rpc.Status`, read from the protobuf wire format directly: the messages are three small, stable
    ones (Status {code=1, message=2, details=3: Any}, Any {type_url=1, value=2}, ErrorInfo {reason=1,
    domain=2, metadata=3: map<string,string>}), and reading them here spares a dependency on
    googleapis-common-protos."""
    infos = []
    for number, value in _fields(status_bytes):
        if number != 3 or not isinstance(value, bytes):
            continue
        any_fields = dict((n, v) for n, v in _fields(value))
        if any_fields.get(1) != ERROR_INFO_TYPE.encode() or not isinstance(any_fields.get(2), bytes):
            continue
        reason, domain, metadata = "", "", {}
        for info_number, info_value in _fields(any_fields[2]):
            if not isinstance(info_value, bytes):
                continue
            if info_number == 1:
                reason = info_value.decode("utf-8")
            elif info_number == 2:
                domain = info_value.decode("utf-8")
            elif info_number == 3:
                entry = dict(_fields(info_value))
                key, item = entry.get(1, b""), entry.get(2, b"")
                if isinstance(key, bytes) and isinstance(item, bytes):
                    metadata[key.decode("utf-8")] = item.decode("utf-8")
        if reason and domain in (ERROR_DOMAIN, ""):
            infos.append((reason, metadata))
    return infos


def _fields(data: bytes) -> List[Tuple[int, Any]]:
    """The (field number, value) pairs of a protobuf message: varints as int, length-delimited as bytes."""
    fields: List[Tuple[int, Any]] = []
    offset = 0
    while offset < len(data):
        key, offset = _varint(data, offset)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, offset = _varint(data, offset)
            fields.append((number, value))
        elif wire_type == 2:
            length, offset = _varint(data, offset)
            if offset + length > len(data):
                raise ValueError("truncated field")
            fields.append((number, data[offset:offset + length]))
            offset += length
        elif wire_type == 1:
            offset += 8
        elif wire_type == 5:
            offset += 4
        else:
            raise ValueError(f"wire type {wire_type} is not expected in google.rpc.Status")
    return fields


def _varint(data: bytes, offset: int) -> Tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = data[offset]
        offset += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, offset
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")
