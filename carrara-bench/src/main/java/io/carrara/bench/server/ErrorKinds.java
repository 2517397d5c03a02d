package io.carrara.bench.server;

import com.linecorp.armeria.client.UnprocessedRequestException;
import com.linecorp.armeria.common.TimeoutException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Short names for the ways a request fails, by which the tables count errors: {@code timeout}, {@code gRPC UNAVAILABLE}, an exception's class. */
final class ErrorKinds {
    private ErrorKinds() {
    }

    static String of(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException
                || cause instanceof UnprocessedRequestException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "timeout";
        }
        if (cause instanceof StatusRuntimeException || cause instanceof StatusException) {
            Status.Code code = Status.fromThrowable(cause).getCode();
            return code == Status.Code.DEADLINE_EXCEEDED ? "timeout" : "gRPC " + code;
        }
        return cause.getClass().getSimpleName();
    }
}
