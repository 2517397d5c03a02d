package io.carrara.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.serving.predict.RowError;

/**
 * One row's error on the wire, the same identity as a request's error body ({@link ApiErrors#put}):
 * {@code {"code": "ROW_INVALID", "number": 131077, "type": "INVALID_INPUT", "message": "…",
 * "column": "…"}}, {@code column} only when the error names one. The REST predict answer writes it
 * in place of the row (beside {@code "error"}, the message, as before), OIP REST lists it per
 * failed row beside the protocol's {@code "error"} (docs/api.md#errors).
 */
public final class RowErrorJson {
    private static final int MAX_COLUMN_CHARS = 200;

    private RowErrorJson() {}

    /** Writes the row error's identity, message and column into {@code node}; returns {@code node}. */
    public static ObjectNode put(ObjectNode node, RowError error) {
        requireNonNull(node, "node is null");
        requireNonNull(error, "error is null");
        ApiErrors.put(node, error.code());
        node.put("message", ApiErrors.bounded(error.message(), ApiErrors.MAX_MESSAGE_CHARS));
        if (error.column().isPresent()) {
            node.put("column", ApiErrors.bounded(error.column().get(), MAX_COLUMN_CHARS));
        }
        return node;
    }
}
