package io.carrara.batch;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a caller asks to score: the rows of {@code query} with an instance, named directly or as the
 * one a deployment routes every row to, into the {@code executionDate} partition of {@code output}.
 *
 * @param columns the pipeline-added columns to keep; empty keeps them all
 */
public record BatchJobSpec(Optional<UUID> instance, Optional<String> deployment, String query, String output,
        LocalDate executionDate, List<String> columns) {
    public BatchJobSpec {
        requireNonNull(instance, "instance is null");
        requireNonNull(deployment, "deployment is null");
        if (instance.isPresent() == deployment.isPresent()) {
            throw new CarraraException(INVALID_ARGUMENT, "name exactly one of instance and deployment: the instance"
                    + " that scores the rows, or a deployment whose instance does", "instance");
        }
        if (query == null || query.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "query is required: a SELECT whose columns include the model's inputs",
                    "query");
        }
        if (output == null || output.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "output is required: the table to write, e.g. ml.trip_predictions",
                    "output");
        }
        if (executionDate == null) {
            throw new CarraraException(INVALID_ARGUMENT, "executionDate is required: the partition to write, e.g. 2026-11-01",
                    "executionDate");
        }
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
}
