package io.carrara.server.oip;

import static java.util.Objects.requireNonNull;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.carrara.spi.error.StandardErrorCode;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import io.carrara.serving.predict.InferenceBackend;

/**
 * Puts the Open Inference Protocol (KServe v2) on a server, REST under {@code /v2} and the gRPC
 * {@code inference.GRPCInferenceService} on the same port, both over one backend.
 *
 * <pre>{@code
 * OpenInference.register(serverBuilder, backend, "0.1.0", 1 << 20);
 * }</pre>
 */
public final class OpenInference {
    /** Where gRPC's rich error model keeps a {@code google.rpc.Status} in the trailers. */
    private static final Metadata.Key<com.google.rpc.Status> STATUS_DETAILS =
            ProtoUtils.keyForProto(com.google.rpc.Status.getDefaultInstance());

    private OpenInference() {}

    /**
     * A message over the request limit is RESOURCE_EXHAUSTED naming the limit, not UNKNOWN: Armeria stops
     * reading at the limit and would otherwise pass its own exception on. Other failures keep Armeria's mapping.
     */
    private static GrpcExceptionHandlerFunction tooLarge(long maxRequestBytes) {
        GrpcExceptionHandlerFunction defaults = GrpcExceptionHandlerFunction.of();
        return (ctx, status, cause, metadata) -> {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof ContentTooLargeException || status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                    String message = "the request message is larger than this server accepts (limits.maxRequestBytes = "
                            + maxRequestBytes + " bytes); send fewer rows per call, or raise the limit";
                    metadata.put(STATUS_DETAILS, OpenInferenceGrpcService.richStatus(Status.RESOURCE_EXHAUSTED,
                            StandardErrorCode.PAYLOAD_TOO_LARGE.toErrorCode(), message, null));
                    return Status.RESOURCE_EXHAUSTED.withDescription(message).withCause(cause);
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return defaults.apply(ctx, status, cause, metadata);
        };
    }

    /** @param maxRequestBytes the server's request limit ({@code limits.maxRequestBytes}), named when a message passes it */
    public static void register(ServerBuilder builder, InferenceBackend backend, String serverVersion, long maxRequestBytes) {
        register(builder, backend, serverVersion, maxRequestBytes, name -> true);
    }

    /** @param visible whether the current request's caller may see a model (a deployment) in {@code GET /v2/models} */
    public static void register(ServerBuilder builder, InferenceBackend backend, String serverVersion, long maxRequestBytes,
            java.util.function.Predicate<String> visible) {
        requireNonNull(builder, "builder is null");
        InferenceProtocol protocol = new InferenceProtocol(backend, serverVersion);
        builder.annotatedService()
                // Methods that may block say so (@Blocking); infer scores on the event loop when nothing can block.
                .exceptionHandlers(new OpenInferenceRestApi.Errors())
                .decorator(MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.oip.requests")))
                .build(new OpenInferenceRestApi(protocol, visible));
        // Any other path under /v2 answers in the protocol's error shape, not the registry API's.
        builder.serviceUnder("/v2/", (ctx, req) -> HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.JSON_UTF_8,
                JsonTensors.error(io.carrara.spi.error.StandardErrorCode.NOT_FOUND.toErrorCode(),
                        "no Open Inference Protocol endpoint " + req.method() + " " + ctx.path()
                        + "; see GET /v2/models and /docs/api", null).toString()));
        builder.service(GrpcService.builder()
                .addService(new OpenInferenceGrpcService(protocol))
                // The service hands calls that may block to the blocking executor itself.
                .useBlockingTaskExecutor(false)
                .exceptionHandler(tooLarge(maxRequestBytes))
                .build(),
                MetricCollectingService.newDecorator(MeterIdPrefixFunction.ofDefault("carrara.oip.grpc.requests")));
    }
}
