package io.carrara.bench.batch;

import io.carrara.bench.pipeline.Trips;
import io.carrara.bench.pipeline.TripsModels;
import io.carrara.spark.SparkScoring;
import io.carrara.spi.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Batch scoring throughput: the same synthetic trips rows (1,000,000 by default) scored by Spark's
 * own {@code PipelineModel.transform} and by carrara-pipeline inside {@code mapPartitions}
 * ({@link SparkScoring}, what the batch job runs), each writing the same Parquet output (vectors as
 * {@code array<double>}), on {@code local[2]} in one JVM, alternating, several runs each. Then the
 * two outputs are joined by id and compared, and a ten-row job is timed end to end for the fixed
 * overhead.
 *
 * <pre>{@code
 * java -Xmx6g --add-opens=... -cp carrara-bench/target/carrara-bench.jar io.carrara.bench.batch.BatchBenchmark [rows] [runs]
 * }</pre>
 */
public final class BatchBenchmark {
    private BatchBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("carrara-batch-bench");
        try {
            long sessionStart = System.nanoTime();
            SparkSession spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("carrara-batch-bench")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            double sessionSeconds = seconds(sessionStart);
            System.out.printf(Locale.ROOT, "## Batch scoring: %,d rows, local[2], %d runs each, Spark %s%n%n", rows, runs, spark.version());
            System.out.printf(Locale.ROOT, "- SparkSession start: %.2f s%n", sessionSeconds);

            Path input = work.resolve("input");
            write(spark, rows, input);
            Dataset<Row> trips = spark.read().parquet(input.toString()).cache();
            System.out.printf(Locale.ROOT, "- input: %,d rows in %d partitions (Parquet, cached)%n%n", trips.count(), trips.rdd().getNumPartitions());

            System.out.println("| model | engine | runs (rows/s) | median rows/s | ratio carrara / Spark |");
            System.out.println("| --- | --- | --- | ---: | ---: |");
            for (TripsModels model : TripsModels.values()) {
                Path directory = model.directory();
                double[] sparkRates = new double[runs];
                double[] ourRates = new double[runs];
                for (int run = 0; run < runs; run++) {
                    sparkRates[run] = rows / time(() -> writeScored(sparkTransform(trips, directory), work.resolve("spark-" + model)));
                    ourRates[run] = rows / time(() -> writeScored(SparkScoring.score(trips, directory), work.resolve("carrara-" + model)));
                }
                double sparkMedian = median(sparkRates);
                double ourMedian = median(ourRates);
                System.out.printf(Locale.ROOT, "| %s | Spark PipelineModel.transform | %s | %,.0f | |%n", model, rates(sparkRates), sparkMedian);
                System.out.printf(Locale.ROOT, "| %s | carrara-pipeline in mapPartitions | %s | %,.0f | %.2f× |%n", model, rates(ourRates),
                        ourMedian, ourMedian / sparkMedian);
                compare(spark, work.resolve("spark-" + model), work.resolve("carrara-" + model));
            }

            System.out.println();
            System.out.println("Fixed overhead of a 10-row job (model load, plan, score, write; warm session):");
            Dataset<Row> ten = trips.limit(10).cache();
            ten.count();
            Path directory = TripsModels.LOGISTIC_REGRESSION.directory();
            System.out.printf(Locale.ROOT, "- Spark PipelineModel.load + transform + write: %.0f ms%n",
                    1000 * time(() -> writeScored(sparkTransform(ten, directory), work.resolve("spark-ten"))));
            System.out.printf(Locale.ROOT, "- carrara-pipeline load + mapPartitions + write: %.0f ms%n",
                    1000 * time(() -> writeScored(SparkScoring.score(ten, directory), work.resolve("carrara-ten"))));
            spark.stop();
        } finally {
            delete(work);
        }
    }

    private static void write(SparkSession spark, int rows, Path input) {
        List<Row> batch = new ArrayList<>();
        int chunk = 200_000;
        for (int start = 0; start < rows; start += chunk) {
            batch.clear();
            Trips.scoringRows(Math.min(chunk, rows - start), 1000L + start).forEach(trip -> batch.add(trip.scoringRow()));
            // Ids repeat across chunks (each chunk numbers from 0): give them the chunk's offset.
            Dataset<Row> part = spark.createDataFrame(batch, Trips.SCORING_SCHEMA)
                    .withColumn("id", functions.concat(functions.lit("c" + start + "-"), functions.col("id")));
            part.repartition(2).write().mode(start == 0 ? SaveMode.Overwrite : SaveMode.Append).parquet(input.toString());
        }
    }

    private static Dataset<Row> sparkTransform(Dataset<Row> input, Path directory) {
        return PipelineModel.load(directory.toString()).transform(input);
    }

    /** Writes {@code scored} as Parquet with every vector column as {@code array<double>}, as the batch job writes it. */
    private static void writeScored(Dataset<Row> scored, Path output) {
        List<Column> columns = new ArrayList<>();
        for (StructField field : scored.schema().fields()) {
            Column column = functions.col("`" + field.name() + "`");
            columns.add(field.dataType().equals(SQLDataTypes.VectorType())
                    ? org.apache.spark.ml.functions.vector_to_array(column, "float64").as(field.name()) : column);
        }
        scored.select(columns.toArray(Column[]::new)).write().mode(SaveMode.Overwrite).parquet(output.toString());
    }

    /** Joins the two outputs by id and reports rows whose prediction or probabilities differ beyond 1e-9. */
    private static void compare(SparkSession spark, Path sparkOutput, Path ourOutput) {
        Dataset<Row> theirs = spark.read().parquet(sparkOutput.toString()).select(functions.col("id"),
                functions.col("prediction").as("p1"), functions.col("probability").as("q1"));
        Dataset<Row> ours = spark.read().parquet(ourOutput.toString()).select(functions.col("id"),
                functions.col("prediction").as("p2"), functions.col("probability").as("q2"));
        long theirCount = theirs.count();
        long ourCount = ours.count();
        Dataset<Row> joined = theirs.join(ours, "id");
        long differing = joined.where(functions.col("p1").notEqual(functions.col("p2"))
                .or(functions.abs(functions.element_at(functions.col("q1"), 2).minus(functions.element_at(functions.col("q2"), 2)))
                        .gt(1e-9))).count();
        System.out.printf(Locale.ROOT, "|   | output check | Spark %,d rows, carrara %,d rows, %,d joined, %,d differ | | |%n",
                theirCount, ourCount, joined.count(), differing);
    }

    private interface Job {
        void run();
    }

    private static double time(Job job) {
        long start = System.nanoTime();
        job.run();
        return seconds(start);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String rates(double[] values) {
        return String.join(", ", Arrays.stream(values).mapToObj(value -> String.format(Locale.ROOT, "%,.0f", value)).toList());
    }

    private static void delete(Path directory) {
        try {
            FileTrees.delete(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
