package io.carrara.serving.features;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a bulk load did: rows {@code loaded} and {@code failed}, and the failures with their line
 * numbers (at most {@link FeatureFileLoader#MAX_REPORTED_ERRORS}; {@code errorsTruncated} says
 * when more failed than are listed).
 */
public record FeatureLoadReport(long loaded, long failed, List<LineError> errors, boolean errorsTruncated) {
    public FeatureLoadReport {
        errors = List.copyOf(requireNonNull(errors, "errors is null"));
    }

    /** One rejected line: its 1-based number in the input, the offending column or feature, and why. */
    public record LineError(long line, String field, String message) {
        public LineError {
            requireNonNull(message, "message is null");
        }
    }
}
