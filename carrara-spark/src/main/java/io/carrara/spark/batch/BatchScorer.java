package io.carrara.spark.batch;

import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * How a batch prediction scores a partition, whatever the model is: every input row comes out once,
 * as the input's columns, the model's kept output columns, then {@code status}, {@code error} and
 * {@code error_column} ({@link BatchScoringFunction} for Spark pipelines, {@link PythonScoringFunction}
 * for Python models).
 */
interface BatchScorer extends MapPartitionsFunction<Row, Row> {
    /** The schema of the rows {@link #call} returns. */
    StructType outputSchema();

    /** The model's output columns kept, in the model's order. */
    List<String> addedColumns();
}
