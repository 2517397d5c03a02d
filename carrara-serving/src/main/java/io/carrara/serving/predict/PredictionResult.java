package io.carrara.serving.predict;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.Field;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The outcome of each requested row, in request order. A scored row holds the input (after the
 * feature join) plus every column the pipeline adds; {@code added} lists those columns with their
 * types for protocols that need them (OIP output tensors).
 */
public record PredictionResult(List<Row> rows) {
    public enum Status { SCORED, SKIPPED, FAILED }

    public PredictionResult {
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
    }

    /**
     * @param instance the instance that scored (or would have scored) the row
     * @param predictionId set when the prediction was sampled into the prediction log
     * @param error for a failed row: its code, the message naming the column and the fix, and the
     *     input column at fault when one is
     */
    public record Row(
            Status status,
            UUID instance,
            Optional<Map<String, Object>> output,
            List<Field> added,
            Optional<String> predictionId,
            Optional<RowError> error) {
        public Row {
            requireNonNull(status, "status is null");
            requireNonNull(instance, "instance is null");
            requireNonNull(output, "output is null");
            added = List.copyOf(requireNonNull(added, "added is null"));
            requireNonNull(predictionId, "predictionId is null");
            requireNonNull(error, "error is null");
        }
    }
}
