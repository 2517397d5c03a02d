package io.carrara.spark.batch;

import static java.util.Objects.requireNonNull;

import io.carrara.spark.table.TableName;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What a batch prediction did. Every row the query gave is counted once: {@code rowsRead =
 * rowsScored + rowsSkipped + rowsFailed}. The written counts are read back from the partitions
 * the job wrote, so they report what the tables hold now.
 *
 * @param rowsRead rows the query returned
 * @param rowsScored rows the model scored, written to {@code output}
 * @param rowsSkipped rows a {@code handleInvalid=skip} stage dropped, written to {@code errors} with status skipped
 * @param rowsFailed rows a stage rejected, written to {@code errors} with status failed and the reason
 * @param rowsWritten rows in the output table's partition after the job
 * @param errorRowsWritten rows in the errors table's partition after the job
 * @param scoredAt the time written on every row as {@code scored_at}: when scoring started
 * @param elapsed wall time of the whole job
 */
public record BatchResult(
        TableName output, TableName errors, LocalDate executionDate, String model, UUID instance,
        long rowsRead, long rowsScored, long rowsSkipped, long rowsFailed, long rowsWritten, long errorRowsWritten,
        Instant scoredAt, Duration elapsed) {
    public BatchResult {
        requireNonNull(output, "output is null");
        requireNonNull(errors, "errors is null");
        requireNonNull(executionDate, "executionDate is null");
        requireNonNull(model, "model is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(scoredAt, "scoredAt is null");
        requireNonNull(elapsed, "elapsed is null");
    }

    /** The result as flat JSON-ready values, in a fixed order, for a one-line summary. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("output", output.toString());
        summary.put("errors", errors.toString());
        summary.put("executionDate", executionDate.toString());
        summary.put("model", model);
        summary.put("instance", instance.toString());
        summary.put("rowsRead", rowsRead);
        summary.put("rowsScored", rowsScored);
        summary.put("rowsSkipped", rowsSkipped);
        summary.put("rowsFailed", rowsFailed);
        summary.put("rowsWritten", rowsWritten);
        summary.put("errorRowsWritten", errorRowsWritten);
        summary.put("scoredAt", scoredAt.toString());
        summary.put("elapsedMillis", elapsed.toMillis());
        return summary;
    }
}
