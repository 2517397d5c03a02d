package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.schema.Field;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.serving.predict.RowError;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model made of one row: scored (the input plus every added column, {@code added} listing
 * those with their types), skipped (a {@code handleInvalid=skip} stage dropped it) or failed (its
 * {@link RowError}: the code, the message, and the input column at fault when there is one).
 */
public record ScoredRow(
        Status status, Optional<Map<String, Object>> output, List<Field> added, Optional<RowError> error) {
    private static final ScoredRow SKIPPED = new ScoredRow(Status.SKIPPED, Optional.empty(), List.of(), Optional.empty());

    public ScoredRow {
        requireNonNull(status, "status is null");
        requireNonNull(output, "output is null");
        added = List.copyOf(requireNonNull(added, "added is null"));
        requireNonNull(error, "error is null");
        if (output.isPresent() != (status == Status.SCORED) || error.isPresent() != (status == Status.FAILED)) {
            throw new IllegalArgumentException("a " + status + " row has output=" + output.isPresent() + " error=" + error.isPresent());
        }
    }

    public static ScoredRow scored(Map<String, Object> output, List<Field> added) {
        return new ScoredRow(Status.SCORED, Optional.of(output), added, Optional.empty());
    }

    public static ScoredRow skipped() {
        return SKIPPED;
    }

    public static ScoredRow failed(RowError error) {
        return new ScoredRow(Status.FAILED, Optional.empty(), List.of(), Optional.of(error));
    }
}
