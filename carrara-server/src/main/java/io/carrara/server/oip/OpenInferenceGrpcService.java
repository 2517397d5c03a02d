package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import io.carrara.server.oip.proto.GRPCInferenceServiceGrpc;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelInferResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelMetadataRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelMetadataResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelReadyRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ModelReadyResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerLiveRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerLiveResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerMetadataRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerMetadataResponse;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerReadyRequest;
import io.carrara.server.oip.proto.GrpcPredictV2.ServerReadyResponse;
import io.carrara.spi.error.CarraraException;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.carrara.spi.error.ErrorCode;
import io.carrara.spi.error.StandardErrorCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code inference.GRPCInferenceService}, the Open Inference Protocol over gRPC. Errors are gRPC
 * statuses with the same messages as REST: INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE.
 */
public final class OpenInferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    /** The domain of the {@code google.rpc.ErrorInfo} in every error's details. */
    static final String ERROR_DOMAIN = "carrara.io";

    private static final Logger log = LoggerFactory.getLogger(OpenInferenceGrpcService.class);

    private final InferenceProtocol protocol;

    public OpenInferenceGrpcService(InferenceProtocol protocol) {
        this.protocol = requireNonNull(protocol, "protocol is null");
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        answer(response, () -> ServerLiveResponse.newBuilder().setLive(protocol.live()).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        answer(response, () -> ServerReadyResponse.newBuilder().setReady(protocol.ready()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        answer(response, () -> ModelReadyResponse.newBuilder()
                .setReady(protocol.status(request.getName(), version(request.getVersion())).ready()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        answer(response, () -> ServerMetadataResponse.newBuilder()
                .setName(InferenceProtocol.SERVER_NAME).setVersion(protocol.serverVersion()).build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        answer(response, () -> {
            ModelMetadata metadata = protocol.metadata(request.getName(), version(request.getVersion()));
            ModelMetadataResponse.Builder builder = ModelMetadataResponse.newBuilder()
                    .setName(metadata.name())
                    .addAllVersions(metadata.versions())
                    .setPlatform(metadata.platform());
            metadata.inputs().forEach(tensor -> builder.addInputs(describe(tensor)));
            metadata.outputs().forEach(tensor -> builder.addOutputs(describe(tensor)));
            return builder.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        boolean inline = protocol.infersWithoutBlocking(request.getModelName(), version(request.getModelVersion()));
        answer(response, inline, () -> {
            InferenceCall call = ProtoTensors.readCall(request);
            InferenceOutcome outcome = protocol.infer(request.getModelName(), version(request.getModelVersion()), call);
            return ProtoTensors.response(outcome, ProtoTensors.wantsRawOutput(request));
        });
    }

    private static ModelMetadataResponse.TensorMetadata describe(TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(tensor.name()).setDatatype(tensor.type().name()).addAllShape(tensor.shape()).build();
    }

    private static Optional<String> version(String version) {
        return version.isEmpty() ? Optional.empty() : Optional.of(version);
    }

    /** Answers on the blocking executor: status and metadata may read the registry. */
    private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        answer(response, false, call);
    }

    /** Answers on this thread (an event loop) when {@code inline}, else on the blocking executor. */
    private static <T> void answer(StreamObserver<T> response, boolean inline, Supplier<T> call) {
        if (inline) {
            respond(response, call);
        } else {
            ServiceRequestContext.current().blockingTaskExecutor().execute(() -> respond(response, call));
        }
    }

    /**
     * The status with Carrara's error identity in its details, as gRPC's rich error model carries it:
     * a {@code google.rpc.ErrorInfo} whose reason is the code's name, in domain {@value #ERROR_DOMAIN},
     * with the code's {@code number}, {@code type} and {@code field} (when there is one) in its metadata.
     * The description is the message, as before, so a client that reads only the status still gets it.
     */
    static StatusRuntimeException withDetails(Status status, ErrorCode code, String message, String field) {
        return StatusProto.toStatusRuntimeException(richStatus(status, code, message, field));
    }

    /**
     * The status of {@link #withDetails} for a batch whose rows failed to score: after the request's
     * {@code ErrorInfo}, one per reported row, whose reason is the row error's code and whose metadata
     * holds {@code row} (from 0), {@code number}, {@code type}, {@code message} and {@code column} (when
     * the error names one).
     */
    static StatusRuntimeException withDetails(Status status, RowsNotScoredException error) {
        com.google.rpc.Status.Builder rich = richStatus(status, error.errorCode(), error.getMessage(), error.field().orElse(null))
                .toBuilder();
        for (RowsNotScoredException.FailedRow row : error.rows()) {
            ErrorCode code = row.error().code();
            ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(code.name()).setDomain(ERROR_DOMAIN)
                    .putMetadata("row", Integer.toString(row.row()))
                    .putMetadata("number", Integer.toString(code.code()))
                    .putMetadata("type", code.type().name())
                    .putMetadata("message", io.carrara.server.api.ApiErrors.bounded(row.error().message(),
                            io.carrara.server.api.ApiErrors.MAX_MESSAGE_CHARS));
            row.error().column().ifPresent(column -> info.putMetadata("column", column));
            rich.addDetails(Any.pack(info.build()));
        }
        return StatusProto.toStatusRuntimeException(rich.build());
    }

    /** The {@code google.rpc.Status} of {@link #withDetails}, for callers that hand gRPC a status and trailers. */
    static com.google.rpc.Status richStatus(Status status, ErrorCode code, String message, String field) {
        String description = io.carrara.server.api.ApiErrors.bounded(message, io.carrara.server.api.ApiErrors.MAX_MESSAGE_CHARS);
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(code.name()).setDomain(ERROR_DOMAIN)
                .putMetadata("number", Integer.toString(code.code()))
                .putMetadata("type", code.type().name());
        if (field != null) {
            info.putMetadata("field", field);
        }
        return com.google.rpc.Status.newBuilder()
                .setCode(status.getCode().value())
                .setMessage(description)
                .addDetails(Any.pack(info.build()))
                .build();
    }

    private static <T> void respond(StreamObserver<T> response, Supplier<T> call) {
        T message;
        try {
            try {
                message = call.get();
            } catch (RuntimeException e) {
                // A call that could not reach the registry database is UNAVAILABLE, not INTERNAL.
                throw io.carrara.registry.db.RegistryDatabase.unavailable(e).map(RuntimeException.class::cast).orElse(e);
            }
        } catch (CarraraException e) {
            Status status = switch (e.errorCode().type()) {
                case INVALID_INPUT, UNSUPPORTED_MEDIA_TYPE -> Status.INVALID_ARGUMENT;
                case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
                case FORBIDDEN -> Status.PERMISSION_DENIED;
                case TOO_MANY_REQUESTS -> Status.RESOURCE_EXHAUSTED;
                case NOT_FOUND -> Status.NOT_FOUND;
                case METHOD_NOT_ALLOWED -> Status.UNIMPLEMENTED;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case CONFLICT -> Status.FAILED_PRECONDITION;
                case TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case INTERNAL -> Status.INTERNAL;
            };
            if (status == Status.INTERNAL) {
                log.error("gRPC inference call failed: {}", e.getMessage(), e);
            }
            response.onError(e instanceof RowsNotScoredException failed
                    ? withDetails(status, failed)
                    : withDetails(status, e.errorCode(), e.getMessage(), e.field().orElse(null)));
            return;
        } catch (RuntimeException e) {
            log.error("gRPC inference call failed unexpectedly", e);
            response.onError(withDetails(Status.INTERNAL, StandardErrorCode.INTERNAL_ERROR.toErrorCode(),
                    "internal error; the server log has the details", null));
            return;
        }
        response.onNext(message);
        response.onCompleted();
    }
}
