package io.carrara.api.feature;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What a bulk feature load did: rows loaded and failed, and the failed lines (the first 1,000). */
public record FeatureLoadReport(long loaded, long failed, List<LineError> errors, boolean errorsTruncated) {
    public FeatureLoadReport {
        errors = List.copyOf(requireNonNull(errors, "errors is null"));
    }

    /** One rejected line of the input, with the column or feature at fault when there is one. */
    public record LineError(long line, String field, String message) {
        public LineError {
            requireNonNull(message, "message is null");
        }
    }
}
