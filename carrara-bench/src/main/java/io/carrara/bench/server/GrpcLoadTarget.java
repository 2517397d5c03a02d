package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code inference.GRPCInferenceService/ModelInfer} through an asynchronous grpc-java stub on
 * Armeria's HTTP/2 client. Requests are built once; a call counts as a success when it completes
 * with status OK, and its answer is otherwise not read.
 */
final class GrpcLoadTarget implements LoadTarget {
    private final String label;
    private final String output;
    private final GRPCInferenceServiceStub stub;
    private final ModelInferRequest[] requests;

    GrpcLoadTarget(GRPCInferenceServiceStub stub, List<ModelInferRequest> requests) {
        this("gRPC ModelInfer", "prediction", stub, requests);
    }

    /**
     * @param output the FP64 output {@link #verify} expects in the answer to the first request
     */
    GrpcLoadTarget(String label, String output, GRPCInferenceServiceStub stub, List<ModelInferRequest> requests) {
        this.label = requireNonNull(label, "label is null");
        this.output = requireNonNull(output, "output is null");
        this.stub = requireNonNull(stub, "stub is null");
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no requests");
        }
        this.requests = requests.toArray(ModelInferRequest[]::new);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public void send(long sequence, Completion completion) {
        stub.modelInfer(requests[(int) (sequence % requests.length)], new StreamObserver<>() {
            @Override
            public void onNext(ModelInferResponse value) {
            }

            @Override
            public void onError(Throwable error) {
                completion.completed(ErrorKinds.of(error));
            }

            @Override
            public void onCompleted() {
                completion.completed(null);
            }
        });
    }

    @Override
    public void verify() {
        CompletableFuture<ModelInferResponse> answer = new CompletableFuture<>();
        stub.modelInfer(requests[0], new StreamObserver<>() {
            @Override
            public void onNext(ModelInferResponse value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                answer.completeExceptionally(new IllegalStateException("the call completed without an answer"));
            }
        });
        ModelInferResponse response;
        try {
            response = answer.join();
        } catch (RuntimeException e) {
            throw new IllegalStateException(label() + " failed: " + ErrorKinds.of(e) + ": " + e.getMessage(), e);
        }
        boolean predicted = response.getOutputsList().stream().anyMatch(output -> output.getName().equals(this.output)
                && (output.getContents().getFp64ContentsCount() > 0 || response.getRawOutputContentsCount() > 0));
        if (!predicted) {
            throw new IllegalStateException(label() + " answered without a prediction: " + response);
        }
    }
}
