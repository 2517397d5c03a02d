package io.carrara.pipeline;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.RowException;
import java.util.Map;
import java.util.Optional;

/** What {@link Scorer#scoreAll} made of one row: scored (with its output), skipped, or failed (with the reason). */
public record RowResult(Status status, Optional<Map<String, Object>> row, Optional<RowException> error) {
    public enum Status { SCORED, SKIPPED, FAILED }

    public RowResult {
        requireNonNull(status, "status is null");
        requireNonNull(row, "row is null");
        requireNonNull(error, "error is null");
        if (row.isPresent() != (status == Status.SCORED) || error.isPresent() != (status == Status.FAILED)) {
            throw new IllegalArgumentException("a " + status + " result has row=" + row.isPresent() + " error=" + error.isPresent());
        }
    }

    public static RowResult scored(Map<String, Object> row) {
        return new RowResult(Status.SCORED, Optional.of(row), Optional.empty());
    }

    public static RowResult skipped() {
        return new RowResult(Status.SKIPPED, Optional.empty(), Optional.empty());
    }

    public static RowResult failed(RowException error) {
        return new RowResult(Status.FAILED, Optional.empty(), Optional.of(error));
    }
}
