"""Asks a Carrara deployment for predictions over the Open Inference Protocol's gRPC service
(inference.GRPCInferenceService, KServe v2), as any KServe client would, and prints the answer as the
REST protocol's JSON ({"model_name", "outputs": [{"name", "datatype", "shape", "data"}]}).

  python infer_grpc.py --stubs DIR --server HOST:PORT --model NAME --rows rows.jsonl [--token TOKEN]

Each column of the rows becomes one FP64 tensor of shape [n]. DIR holds the Python modules that
grpc_tools.protoc generates from carrara-server/src/main/proto/grpc_predict_v2.proto (the
walk-through shows how); this script needs grpcio and protobuf. The API token goes in the call's
`authorization` metadata as `Bearer TOKEN`: --token, else $CARRARA_TOKEN.
"""
import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stubs", required=True, help="folder of grpc_predict_v2_pb2(_grpc).py")
    parser.add_argument("--server", required=True, help="HOST:PORT of the Carrara server")
    parser.add_argument("--model", required=True, help="the deployment's name")
    parser.add_argument("--rows", required=True, help="JSON Lines of rows, numbers only")
    parser.add_argument("--token", default=os.environ.get("CARRARA_TOKEN"),
                        help="API token (default: $CARRARA_TOKEN)")
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    import grpc_predict_v2_pb2 as inference
    import grpc_predict_v2_pb2_grpc as service

    with open(args.rows) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    request = inference.ModelInferRequest(model_name=args.model)
    for column in rows[0]:
        tensor = request.inputs.add(name=column, datatype="FP64", shape=[len(rows)])
        tensor.contents.fp64_contents.extend(float(row[column]) for row in rows)

    with grpc.insecure_channel(args.server) as channel:
        metadata = [("authorization", f"Bearer {args.token}")] if args.token else []
        answer = service.GRPCInferenceServiceStub(channel).ModelInfer(request, timeout=60, metadata=metadata)
    outputs = []
    for tensor in answer.outputs:
        if tensor.datatype == "BYTES":
            data = [value.decode() for value in tensor.contents.bytes_contents]
        elif tensor.datatype == "FP64":
            data = list(tensor.contents.fp64_contents)
        else:
            raise SystemExit(f"output {tensor.name} is {tensor.datatype}; this script reads FP64 and BYTES")
        outputs.append({"name": tensor.name, "datatype": tensor.datatype, "shape": list(tensor.shape), "data": data})
    print(json.dumps({"model_name": answer.model_name, "model_version": answer.model_version, "outputs": outputs}))


if __name__ == "__main__":
    main()
