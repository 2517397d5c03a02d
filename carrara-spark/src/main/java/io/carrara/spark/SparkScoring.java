package io.carrara.spark;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Batch scoring in Spark with the online scorer:
 * {@code Dataset<Row> scored = SparkScoring.score(trips, Path.of("/models/trips"));}
 * gives the columns and rows {@code PipelineModel.load(dir).transform(trips)} would, computed by
 * carrara-pipeline inside {@code mapPartitions}. Model errors surface here, on the driver.
 */
public final class SparkScoring {
    private SparkScoring() {
    }

    public static Dataset<Row> score(Dataset<Row> input, Path modelDirectory) {
        PipelineScoringFunction function = new PipelineScoringFunction(modelDirectory, input.schema());
        return input.mapPartitions(function, Encoders.row(function.outputSchema()));
    }
}
