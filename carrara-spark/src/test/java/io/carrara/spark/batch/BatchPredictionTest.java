package io.carrara.spark.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.pipeline.json.JsonRows;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.serving.predict.PredictionResult;
import io.carrara.serving.runtime.LoadedModel;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.serving.runtime.ScoredRow;
import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.parity.TripsData;
import io.carrara.spark.sql.SqlPolicy;
import io.carrara.spark.table.ImportRequest;
import io.carrara.spark.table.SparkTables;
import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch predictions on local Spark with the Hive catalog: the golden trips rows are imported from
 * CSV, scored into {@code ml.trip_predictions}, and held to Spark's own output and to the online
 * server's scorer; then re-runs, backfills and bad rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchPredictionTest {
    private static final LocalDate NOVEMBER_1 = LocalDate.parse("2026-11-01");
    private static final LocalDate NOVEMBER_2 = LocalDate.parse("2026-11-02");
    private static final ModelRef MODEL = new ModelRef("rides", "trip_outcome");
    private static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID SECOND_INSTANCE = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final List<String> ADDED = List.of("city_index", "vendor_index", "payment_index", "city_vector", "vendor_vector",
            "payment_vector", "raw_features", "features", "rawPrediction", "probability", "prediction");

    @TempDir
    static Path temporary;

    private SparkSession spark;
    private Path model;
    private BatchResult first;

    @BeforeAll
    void importTripsAndScoreThem() {
        spark = CatalogSpark.session();
        spark.sql("DROP DATABASE IF EXISTS ml CASCADE");
        Path csv = GoldenTrips.writeCsv(GoldenTrips.LOGISTIC_REGRESSION, temporary.resolve("trips.csv"));
        new SparkTables(spark).importFile(ImportRequest.of(csv, TableName.parse("ml.trips", "table")).withInferSchema(true));
        model = GoldenTrips.model(GoldenTrips.LOGISTIC_REGRESSION);
        first = BatchPrediction.run(spark, request("SELECT * FROM ml.trips", "ml.trip_predictions", NOVEMBER_1, INSTANCE, model));
    }

    @Test
    void theSessionNeverLeavesAStageToHotSpotsInterpreter() {
        // Wider stages than HotSpot compiles (8,000 bytes) are evaluated without whole-stage code generation instead.
        assertThat(spark.conf().get("spark.sql.codegen.hugeMethodLimit")).isEqualTo("8000");
    }

    @Test
    void scoresEveryRowAsSparkDidAndCountsThem() {
        assertThat(first.rowsRead()).isEqualTo(40);
        assertThat(first.rowsScored()).isEqualTo(38);
        assertThat(first.rowsSkipped()).isEqualTo(2);
        assertThat(first.rowsFailed()).isZero();
        assertThat(first.rowsWritten()).isEqualTo(38);
        assertThat(first.errorRowsWritten()).isEqualTo(2);

        Map<Integer, Row> output = byId(spark.table("ml.trip_predictions").collectAsList());
        assertThat(spark.table("ml.trip_predictions").schema().fieldNames()).endsWith(
                Stream.concat(ADDED.stream(), Stream.of("model_name", "model_instance", "scored_at", "execution_date"))
                        .toArray(String[]::new));
        assertThat(spark.table("ml.trip_predictions").schema().apply("probability").dataType().catalogString())
                .isEqualTo("array<double>");
        int compared = 0;
        for (GoldenTrips.Case golden : GoldenTrips.cases(GoldenTrips.LOGISTIC_REGRESSION)) {
            if (golden.output() == null) {
                assertThat(output).doesNotContainKey(golden.id());
                continue;
            }
            Row row = output.get(golden.id());
            assertThat(row).as("row %s", golden.id()).isNotNull();
            golden.output().fieldNames().forEachRemaining(column -> assertSame(column, golden.id(), golden.output().get(column),
                    row.get(row.fieldIndex(column))));
            assertThat(row.<String>getAs("model_name")).isEqualTo("rides/trip_outcome");
            assertThat(row.<String>getAs("model_instance")).isEqualTo(INSTANCE.toString());
            assertThat(row.<Timestamp>getAs("scored_at").toInstant()).isEqualTo(first.scoredAt());
            assertThat(row.<java.sql.Date>getAs("execution_date").toLocalDate()).isEqualTo(NOVEMBER_1);
            compared++;
        }
        assertThat(compared).isEqualTo(38);

        List<Row> errors = spark.table("ml.trip_predictions_errors").collectAsList();
        assertThat(errors).hasSize(2).allSatisfy(row -> {
            assertThat(row.<String>getAs("status")).isEqualTo("skipped");
            assertThat(row.<String>getAs("error")).contains("handleInvalid=skip");
            assertThat(row.<String>getAs("model_instance")).isEqualTo(INSTANCE.toString());
        });
        assertThat(errors).extracting(row -> row.<Integer>getAs("id")).containsExactlyInAnyOrderElementsOf(
                GoldenTrips.cases(GoldenTrips.LOGISTIC_REGRESSION).stream().filter(c -> c.output() == null).map(GoldenTrips.Case::id)
                        .toList());
    }

    @Test
    void batchOutputEqualsTheOnlineServersForTheSameRows() {
        Map<Integer, Row> batch = byId(spark.table("ml.trip_predictions").collectAsList());
        Map<Integer, Row> skippedByBatch = byId(spark.table("ml.trip_predictions_errors").collectAsList());
        List<GoldenTrips.Case> cases = GoldenTrips.cases(GoldenTrips.LOGISTIC_REGRESSION);
        List<Map<String, Object>> inputs = cases.stream().map(c -> JsonRows.toRow(c.input(), Map.of())).toList();
        List<ScoredRow> online;
        try (LoadedModel loaded = ModelRuntimes.discover().load(ArtifactFormat.SPARK_PIPELINE, model)) {
            online = loaded.score(inputs);
        }
        for (int i = 0; i < cases.size(); i++) {
            int id = cases.get(i).id();
            ScoredRow served = online.get(i);
            if (served.status() == PredictionResult.Status.SKIPPED) {
                assertThat(skippedByBatch.get(id).<String>getAs("status")).isEqualTo("skipped");
                continue;
            }
            assertThat(served.status()).isEqualTo(PredictionResult.Status.SCORED);
            Row row = batch.get(id);
            Map<String, Object> values = served.output().orElseThrow();
            for (String column : ADDED) {
                Object expected = values.get(column) instanceof Vector vector ? toList(vector.toArray()) : values.get(column);
                Object actual = row.get(row.fieldIndex(column));
                if (actual instanceof scala.collection.Seq<?> seq) {
                    actual = scala.jdk.javaapi.CollectionConverters.asJava(seq);
                }
                assertThat(actual).as("%s of row %s", column, id).isEqualTo(expected);
            }
        }
    }

    @Test
    void rerunsReplaceOnlyTheirDatesPartition() throws IOException {
        String output = "ml.rerun_predictions";
        BatchPrediction.run(spark, request("SELECT * FROM ml.trips", output, NOVEMBER_1, INSTANCE, model));
        BatchResult again = BatchPrediction.run(spark, request("SELECT * FROM ml.trips", output, NOVEMBER_1, INSTANCE, model));
        assertThat(again.rowsWritten()).isEqualTo(38);
        assertThat(spark.table(output).count()).isEqualTo(38);
        assertThat(spark.table(output).select("id").distinct().count()).isEqualTo(38);
        assertThat(spark.table(output + "_errors").count()).isEqualTo(2);

        BatchPrediction.run(spark, request("SELECT * FROM ml.trips", output, NOVEMBER_2, INSTANCE, model));
        assertThat(countsByDate(output)).containsOnly(Map.entry(NOVEMBER_1, 38L), Map.entry(NOVEMBER_2, 38L));

        Path copy = copyOf(model, temporary.resolve("second-instance"));
        BatchResult backfill = BatchPrediction.run(spark, request("SELECT * FROM ml.trips", output, NOVEMBER_1, SECOND_INSTANCE, copy));
        assertThat(backfill.rowsWritten()).isEqualTo(38);
        assertThat(instancesByDate(output)).containsOnly(Map.entry(NOVEMBER_1, List.of(SECOND_INSTANCE.toString())),
                Map.entry(NOVEMBER_2, List.of(INSTANCE.toString())));
        assertThat(instancesByDate(output + "_errors")).containsOnly(Map.entry(NOVEMBER_1, List.of(SECOND_INSTANCE.toString())),
                Map.entry(NOVEMBER_2, List.of(INSTANCE.toString())));

        BatchResult empty = BatchPrediction.run(spark, request("SELECT * FROM ml.trips WHERE id < 0", output, NOVEMBER_1, INSTANCE, model));
        assertThat(empty.rowsRead()).isZero();
        assertThat(empty.rowsWritten()).isZero();
        assertThat(countsByDate(output)).containsOnly(Map.entry(NOVEMBER_2, 38L));
        assertThat(countsByDate(output + "_errors")).containsOnly(Map.entry(NOVEMBER_2, 2L));
    }

    @Test
    void rowsAStageRejectsGoToTheErrorsTableAndTheJobSucceeds() {
        // handleInvalid=error: the payments "crypto" never seen in training are rejected, as Spark would.
        PipelineModel strict = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("payment").setOutputCol("payment_index").setHandleInvalid("error"),
            new VectorAssembler().setInputCols(new String[] {"payment_index", "distance"}).setOutputCol("features")
                    .setHandleInvalid("skip"),
            new LogisticRegression().setMaxIter(5)}).fit(TripsData.training(spark).where("payment IS NOT NULL"));
        Path directory = temporary.resolve("strict");
        try {
            strict.write().save(directory.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        BatchResult result = BatchPrediction.run(spark, request("SELECT * FROM ml.trips", "ml.strict_predictions", NOVEMBER_1, INSTANCE,
                directory));

        List<Row> failed = spark.table("ml.strict_predictions_errors").where("status = 'failed'").collectAsList();
        long crypto = GoldenTrips.cases(GoldenTrips.LOGISTIC_REGRESSION).stream()
                .filter(c -> "crypto".equals(c.input().get("payment").asText(null))).count();
        assertThat(crypto).isPositive();
        assertThat(result.rowsFailed()).isEqualTo(crypto).isEqualTo(failed.size());
        assertThat(failed).allSatisfy(row -> {
            assertThat(row.<String>getAs("payment")).isEqualTo("crypto");
            assertThat(row.<String>getAs("error")).contains("crypto");
            assertThat(row.<String>getAs("error_column")).isEqualTo("payment");
        });
        assertThat(result.rowsSkipped()).isEqualTo(spark.table("ml.strict_predictions_errors").where("status = 'skipped'").count())
                .isPositive();
        assertThat(result.rowsRead()).isEqualTo(40).isEqualTo(result.rowsScored() + result.rowsSkipped() + result.rowsFailed());
        assertThat(result.rowsWritten()).isEqualTo(result.rowsScored());
        assertThat(result.errorRowsWritten()).isEqualTo(result.rowsSkipped() + result.rowsFailed());
    }

    @Test
    void columnsKeepsOnlyTheNamedAddedColumns() {
        BatchRequest narrow = new BatchRequest("SELECT id, city, vendor, payment, distance, duration, passengers, airport FROM ml.trips",
                TableName.parse("ml.narrow_predictions", "output"), NOVEMBER_1, MODEL, INSTANCE, model, List.of("probability", "prediction"));

        BatchPrediction.run(spark, narrow);

        assertThat(spark.table("ml.narrow_predictions").schema().fieldNames()).containsExactly("id", "city", "vendor", "payment",
                "distance", "duration", "passengers", "airport", "probability", "prediction", "model_name", "model_instance",
                "scored_at", "execution_date");
        assertThatThrownBy(() -> BatchPrediction.run(spark, new BatchRequest("SELECT * FROM ml.trips",
                TableName.parse("ml.narrow_predictions", "output"), NOVEMBER_1, MODEL, INSTANCE, model, List.of("score"))))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("'score'")
                .hasMessageContaining("probability");
    }

    @Test
    void badRequestsFailBeforeWritingWithTheFieldAndTheReason() {
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT * FROM ml.tripz", "ml.bad", NOVEMBER_1, INSTANCE, model)))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.TABLE_NOT_FOUND.toErrorCode());
                    assertThat(e.field()).contains("query");
                })
                .hasMessageContaining("tripz");
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT id, city, payment FROM ml.trips", "ml.bad", NOVEMBER_1,
                INSTANCE, model)))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_COLUMNS.toErrorCode());
                    assertThat(e.field()).contains("query");
                })
                .hasMessageContaining("lacks [vendor, distance, duration, passengers, airport]");
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT *, 1 AS status FROM ml.trips", "ml.bad", NOVEMBER_1,
                INSTANCE, model)))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("'status'");

        spark.sql("CREATE TABLE ml.occupied (id INT, note STRING) USING parquet");
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT * FROM ml.trips", "ml.occupied", NOVEMBER_1, INSTANCE, model)))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.TABLE_INCOMPATIBLE.toErrorCode());
                    assertThat(e.field()).contains("output");
                })
                .hasMessageContaining("ml.occupied")
                .hasMessageContaining("no column prediction");
        assertThat(spark.catalog().tableExists("ml.bad")).isFalse();
    }

    @Test
    void aQueryOutsideTheAcceptedSqlIsRefusedBeforeAnythingRuns() {
        for (String query : List.of("DROP TABLE ml.trips",
                "SELECT *, reflect('java.lang.System', 'setProperty', 'carrara.batch.ran', 'yes') AS ran FROM ml.trips",
                "INSERT OVERWRITE DIRECTORY '" + temporary.resolve("dump") + "' SELECT * FROM ml.trips")) {
            assertThatThrownBy(() -> BatchPrediction.run(spark, request(query, "ml.refused", NOVEMBER_1, INSTANCE, model)))
                    .isInstanceOfSatisfying(CarraraException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(SparkErrorCode.SQL_REFUSED.toErrorCode());
                        assertThat(e.field()).contains("query");
                    });
        }
        assertThat(spark.catalog().tableExists("ml.trips")).isTrue();
        assertThat(spark.catalog().tableExists("ml.refused")).isFalse();
        assertThat(System.getProperty("carrara.batch.ran")).isNull();
        assertThat(temporary.resolve("dump")).doesNotExist();

        SqlPolicy confined = SqlPolicy.of(Optional.of(temporary.toUri().toString()));
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT * FROM ml.trips", "ml.refused", NOVEMBER_1, INSTANCE,
                model), confined))
                .isInstanceOf(CarraraException.class).hasMessageContaining("reads table ml.trips, whose data lies outside");
    }

    private static BatchRequest request(String query, String output, LocalDate date, UUID instance, Path model) {
        return new BatchRequest(query, TableName.parse(output, "output"), date, MODEL, instance, model, List.of());
    }

    private Map<LocalDate, Long> countsByDate(String table) {
        Map<LocalDate, Long> counts = new HashMap<>();
        for (Row row : spark.table(table).groupBy("execution_date").count().collectAsList()) {
            counts.put(row.<java.sql.Date>getAs(0).toLocalDate(), row.getLong(1));
        }
        return counts;
    }

    private Map<LocalDate, List<String>> instancesByDate(String table) {
        Map<LocalDate, List<String>> instances = new HashMap<>();
        for (Row row : spark.table(table).select("execution_date", "model_instance").distinct().collectAsList()) {
            instances.computeIfAbsent(row.<java.sql.Date>getAs(0).toLocalDate(), date -> new ArrayList<>()).add(row.getString(1));
        }
        return instances;
    }

    private static Map<Integer, Row> byId(List<Row> rows) {
        Map<Integer, Row> byId = new HashMap<>();
        rows.forEach(row -> assertThat(byId.put(row.<Integer>getAs("id"), row)).as("duplicate id").isNull());
        return byId;
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }

    private static void assertSame(String column, int id, JsonNode expected, Object actual) {
        String what = column + " of row " + id;
        if (expected.isNull()) {
            assertThat(actual).as(what).isNull();
        } else if (expected.isArray()) {
            List<?> values = actual instanceof scala.collection.Seq<?> seq
                    ? scala.jdk.javaapi.CollectionConverters.asJava(seq) : (List<?>) actual;
            assertThat(values).as(what).hasSize(expected.size());
            for (int k = 0; k < expected.size(); k++) {
                assertClose(what + "[" + k + "]", expected.get(k), ((Number) values.get(k)).doubleValue());
            }
        } else if (expected.isNumber() && actual instanceof Double number) {
            assertClose(what, expected, number);
        } else if (expected.isNumber()) {
            assertThat(((Number) actual).longValue()).as(what).isEqualTo(expected.asLong());
        } else if (expected.isBoolean()) {
            assertThat(actual).as(what).isEqualTo(expected.asBoolean());
        } else if (actual instanceof Double number) {
            assertClose(what, expected, number);
        } else {
            assertThat(actual).as(what).isEqualTo(expected.asText());
        }
    }

    private static void assertClose(String what, JsonNode expected, double actual) {
        double value = expected.isTextual() ? Double.parseDouble(expected.asText()) : expected.asDouble();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            assertThat(actual).as(what).isEqualTo(value);
        } else {
            assertThat(actual).as(what).isCloseTo(value, within(Math.max(1e-12, Math.abs(value) * 1e-9)));
        }
    }

    private static Path copyOf(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        return target;
    }
}
