package io.carrara.spark.batch;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * One batch prediction: score the rows of {@code query} with the model instance whose extracted
 * artifact is in {@code modelDirectory} (a Spark pipeline, or a Python model home), and write them
 * to the {@code executionDate} partition of {@code output} (rows that fail or are skipped to
 * {@code output_errors}).
 *
 * @param query a Spark SQL query whose columns include the model's inputs
 * @param output the output table, {@code table} or {@code database.table}
 * @param executionDate the partition to (over)write
 * @param model the registry model, written on every row as {@code model_name}
 * @param instance the registry instance, written on every row as {@code model_instance}
 * @param modelDirectory the instance's artifact, extracted on the driver's disk
 * @param columns the model's output columns to keep, in the model's order; empty keeps them all
 * @param format what the artifact is: {@code SPARK_PIPELINE} or {@code PYTHON} (OPAQUE artifacts are
 *     not scored in batch)
 * @param validate for a Python model: whether its workers run validation/ before they score; false for
 *     an instance uploaded with {@code --skip-validation}, as online serving does
 */
public record BatchRequest(
        String query, TableName output, LocalDate executionDate, ModelRef model, UUID instance, Path modelDirectory,
        List<String> columns, ArtifactFormat format, boolean validate) {
    public BatchRequest {
        requireNonNull(query, "query is null");
        if (query.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT, "query is empty: give a SELECT over the table to score", "query");
        }
        requireNonNull(output, "output is null");
        requireNonNull(executionDate, "executionDate is null");
        requireNonNull(model, "model is null");
        requireNonNull(instance, "instance is null");
        requireNonNull(modelDirectory, "modelDirectory is null");
        requireNonNull(columns, "columns is null");
        if (new LinkedHashSet<>(columns).size() != columns.size()) {
            throw new CarraraException(INVALID_ARGUMENT, "columns " + columns + " names a column twice", "columns");
        }
        columns = List.copyOf(columns);
        requireNonNull(format, "format is null");
        if (format == ArtifactFormat.OPAQUE) {
            throw new CarraraException(INVALID_ARGUMENT, "instance " + instance + " is an opaque artifact, which Carrara stores"
                    + " but cannot run; batch jobs score spark-pipeline and python instances", "instance");
        }
    }

    /** A batch prediction whose Python model, if it is one, validates before it scores. */
    public BatchRequest(String query, TableName output, LocalDate executionDate, ModelRef model, UUID instance,
            Path modelDirectory, List<String> columns, ArtifactFormat format) {
        this(query, output, executionDate, model, instance, modelDirectory, columns, format, true);
    }

    /** A Spark pipeline's batch prediction. */
    public BatchRequest(String query, TableName output, LocalDate executionDate, ModelRef model, UUID instance,
            Path modelDirectory, List<String> columns) {
        this(query, output, executionDate, model, instance, modelDirectory, columns, ArtifactFormat.SPARK_PIPELINE);
    }

    /** The table that receives the rows the model did not score: {@code output} + {@code _errors}. */
    public TableName errorsTable() {
        return output.withSuffix("_errors");
    }
}
