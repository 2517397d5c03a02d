package io.carrara.python;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one row of a {@link PythonModel#score} call gave: the model's output (declared outputs in declared
 * order), or a row error: its code ({@link PythonErrorCode#INVALID_ROW}, {@link PythonErrorCode#PREDICT_FAILED}),
 * a message, and the column it is about when there is one.
 */
public record RowOutcome(Map<String, Object> output, PythonErrorCode error, String message, String column) {
    public RowOutcome {
        if ((output == null) == (error == null)) {
            throw new IllegalArgumentException("a row outcome holds either an output or an error");
        }
        if (output != null) {
            output = Collections.unmodifiableMap(new LinkedHashMap<>(output));
        } else {
            requireNonNull(message, "message is null");
        }
    }

    public static RowOutcome success(Map<String, Object> output) {
        return new RowOutcome(requireNonNull(output, "output is null"), null, null, null);
    }

    public static RowOutcome failure(PythonErrorCode error, String message, String column) {
        return new RowOutcome(null, requireNonNull(error, "error is null"), message, column);
    }

    public boolean isSuccess() {
        return output != null;
    }
}
