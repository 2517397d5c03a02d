"""Calls Carrara's inference.GRPCInferenceService with stubs that grpcio-tools generated from
grpc_predict_v2.proto, as any Open Inference Protocol client would, and prints what it got as JSON.

Usage: python oip_client.py HOST:PORT ROWS_JSON
ROWS_JSON: {"model": ..., "columns": [{"name", "datatype", "values": [...]}, ...]}
"""
import json
import sys

import grpc

import grpc_predict_v2_pb2 as pb
import grpc_predict_v2_pb2_grpc as pb_grpc


def tensor(column):
    values = column["values"]
    datatype = column["datatype"]
    shape = [len(values)]
    contents = pb.InferTensorContents()
    if datatype == "BYTES":
        contents.bytes_contents.extend(v.encode("utf-8") for v in values)
    elif datatype == "BOOL":
        contents.bool_contents.extend(values)
    elif datatype in ("INT8", "INT16", "INT32"):
        contents.int_contents.extend(values)
    elif datatype == "INT64":
        contents.int64_contents.extend(values)
    elif datatype == "FP64":
        if values and isinstance(values[0], list):
            shape.append(len(values[0]))
            values = [x for row in values for x in row]
        contents.fp64_contents.extend(values)
    else:
        raise ValueError(datatype)
    return pb.ModelInferRequest.InferInputTensor(name=column["name"], datatype=datatype, shape=shape, contents=contents)


def main():
    target, rows_file = sys.argv[1], sys.argv[2]
    with open(rows_file) as f:
        rows = json.load(f)
    with grpc.insecure_channel(target) as channel:
        stub = pb_grpc.GRPCInferenceServiceStub(channel)
        answer = {
            "live": stub.ServerLive(pb.ServerLiveRequest(), timeout=30).live,
            "ready": stub.ServerReady(pb.ServerReadyRequest(), timeout=30).ready,
            "server": stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=30).name,
        }
        metadata = stub.ModelMetadata(pb.ModelMetadataRequest(name=rows["model"]), timeout=30)
        answer["versions"] = list(metadata.versions)
        request = pb.ModelInferRequest(model_name=rows["model"], id="py-1",
                                       inputs=[tensor(c) for c in rows["columns"]])
        response = stub.ModelInfer(request, timeout=60)
        answer["model_version"] = response.model_version
        answer["id"] = response.id
        answer["outputs"] = {
            o.name: {"datatype": o.datatype, "shape": list(o.shape), "data": list(o.contents.fp64_contents)}
            for o in response.outputs
        }
        try:
            stub.ModelInfer(pb.ModelInferRequest(model_name="nope", inputs=request.inputs), timeout=30)
            answer["unknown_model"] = "OK"
        except grpc.RpcError as error:
            answer["unknown_model"] = error.code().name
            answer["unknown_model_message"] = error.details()
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
