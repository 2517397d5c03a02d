package io.carrara.client;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.api.batch.NewBatchJob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.Names;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A batch prediction to run on the server's Spark: score {@code query}'s rows with one instance,
 * named directly or through a deployment that routes every row to one instance, into the
 * {@code executionDate} partition of {@code output}. {@code columns}, when not empty, keeps only
 * those of the columns the pipeline adds.
 *
 * <pre>{@code
 * BatchJob job = client.submitBatchJob(BatchJobRequest.ofDeployment("eta-live",
 *         "SELECT * FROM ml.trips WHERE ds = '2026-11-01'", "ml.trip_predictions", LocalDate.parse("2026-11-01"))
 *         .withColumns(List.of("prediction")));
 * }</pre>
 */
public record BatchJobRequest(
        UUID instance,
        String deployment,
        String query,
        String output,
        LocalDate executionDate,
        List<String> columns) {
    public BatchJobRequest {
        if ((instance == null) == (deployment == null)) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "a batch job names exactly one of instance and deployment", "instance");
        }
        if (deployment != null) {
            Names.checkName(deployment, "deployment");
        }
        if (query == null || query.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "query is required: the SELECT whose rows to score", "query");
        }
        TableNames.checkTable(output, "output");
        if (executionDate == null) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "executionDate is required: the date whose partition of the output the job writes", "executionDate");
        }
        columns = Copies.list(columns);
        for (String column : columns) {
            requireNonNull(column, "a column is null");
        }
    }

    public static BatchJobRequest ofInstance(UUID instance, String query, String output, LocalDate executionDate) {
        return new BatchJobRequest(requireNonNull(instance, "instance is null"), null, query, output, executionDate, null);
    }

    public static BatchJobRequest ofDeployment(String deployment, String query, String output, LocalDate executionDate) {
        return new BatchJobRequest(null, requireNonNull(deployment, "deployment is null"), query, output, executionDate, null);
    }

    public BatchJobRequest withColumns(List<String> columns) {
        return new BatchJobRequest(instance, deployment, query, output, executionDate, columns);
    }

    /** The body of {@code POST /api/v1/batch/jobs}; no columns means all of them. */
    public NewBatchJob toRequest() {
        return new NewBatchJob(instance, deployment, query, output, executionDate, columns.isEmpty() ? null : columns);
    }
}
