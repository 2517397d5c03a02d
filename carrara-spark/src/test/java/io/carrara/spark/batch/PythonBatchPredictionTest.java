package io.carrara.spark.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonModel;
import io.carrara.python.PythonSettings;
import io.carrara.python.RowOutcome;
import io.carrara.spark.SparkErrorCode;
import io.carrara.spark.table.TableName;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python models in batch, on local Spark with real environments and workers: the CLI's dataframe
 * template (raising for x1 above 100) and tensor template, scored by {@link BatchPrediction} and held
 * value for value to what {@link PythonModel#score} answers online for the same rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonBatchPredictionTest {
    private static final LocalDate DATE = LocalDate.parse("2026-11-01");
    private static final ModelRef MODEL = new ModelRef("points", "logistic");
    private static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final int ROWS = 300;
    private static final List<Long> RAISING = List.of(50L, 150L, 250L);

    @TempDir
    static Path temporary;

    private SparkSession spark;
    private PythonSettings settings;
    private Path dataframe;
    private Path tensor;
    private final List<PythonModel> online = new ArrayList<>();

    @BeforeAll
    void tables() {
        spark = CatalogSpark.session();
        spark.sql("DROP DATABASE IF EXISTS py CASCADE");
        spark.sql("CREATE DATABASE py");
        settings = settings(temporary);
        dataframe = home("dataframe");
        tensor = home("tensor");
        List<Row> points = new ArrayList<>();
        for (long id = 0; id < ROWS; id++) {
            double x1 = RAISING.contains(id) ? 1000.0 : (id % 17) / 4.0 - 2.0;
            points.add(RowFactory.create(id, x1, (id % 11) / 3.0 - 1.5 + id * 1e-3, "p" + id));
        }
        spark.createDataFrame(points, new StructType().add("id", DataTypes.LongType).add("x1", DataTypes.DoubleType)
                .add("x2", DataTypes.DoubleType).add("note", DataTypes.StringType)).write().saveAsTable("py.points");
        List<Row> vectors = new ArrayList<>();
        for (long id = 0; id < 40; id++) {
            vectors.add(RowFactory.create(id, id == 7 ? null : List.of(id * 0.5, -1.0 / (id + 1), id % 3 - 1.0)));
        }
        spark.createDataFrame(vectors, new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false))).write().saveAsTable("py.vectors");
    }

    @AfterAll
    void stopOnline() {
        for (PythonModel model : online) {
            model.close();
        }
    }

    /** Shared environments (the build's target/python-envs), sockets and rows per call small enough to take several calls. */
    static PythonSettings settings(Path base) {
        String shared = System.getProperty("carrara.test.pythonEnvs");
        Path environments = shared == null || shared.isBlank() ? base.resolve("envs") : Path.of(shared);
        PythonSettings defaults = PythonSettings.defaults(base);
        return new PythonSettings(environments, defaults.sockets(), defaults.interpreter(), List.of("--retries", "0", "--timeout", "5"),
                defaults.workersPerInstance(), defaults.requestTimeout(), defaults.workerStartTimeout(), Duration.ofMinutes(4),
                defaults.memoryLimitMib(), 64, defaults.batchIdleTimeout(), defaults.combineRows());
    }

    @Test
    void batchOutputEqualsOnlineOutputAndRaisingRowsGoToErrors() {
        BatchResult result = BatchPrediction.run(spark, request("SELECT * FROM py.points", "py.scored", dataframe, List.of()),
                io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings);

        assertThat(result.rowsRead()).isEqualTo(ROWS);
        assertThat(result.rowsScored()).isEqualTo(ROWS - RAISING.size());
        assertThat(result.rowsFailed()).isEqualTo(RAISING.size());
        List<Row> scored = spark.sql("SELECT id, x1, x2, probability, label, model_name, model_instance, execution_date"
                + " FROM py.scored ORDER BY id").collectAsList();
        assertThat(scored).hasSize(ROWS - RAISING.size());
        assertThat(spark.table("py.scored").schema().fieldNames()).containsExactly("id", "x1", "x2", "note", "probability",
                "label", "model_name", "model_instance", "scored_at", "execution_date");

        List<Map<String, Object>> requests = new ArrayList<>();
        for (Row row : scored) {
            requests.add(Map.of("x1", row.getDouble(1), "x2", row.getDouble(2)));
        }
        List<RowOutcome> outcomes = online(dataframe).score(requests);
        for (int i = 0; i < scored.size(); i++) {
            Row row = scored.get(i);
            RowOutcome outcome = outcomes.get(i);
            assertThat(outcome.isSuccess()).as("online row %s", row.getLong(0)).isTrue();
            // Exactly: the same code path, the same numbers.
            assertThat((Double) row.get(3)).as("probability of row %s", row.getLong(0))
                    .isEqualTo(((Number) outcome.output().get("probability")).doubleValue());
            assertThat(row.getString(4)).isEqualTo(outcome.output().get("label"));
            assertThat(row.getString(5)).isEqualTo("points/logistic");
            assertThat(row.getString(6)).isEqualTo(INSTANCE.toString());
        }

        List<Row> errors = spark.sql("SELECT id, status, error, error_column FROM py.scored_errors ORDER BY id").collectAsList();
        assertThat(errors).extracting(row -> row.getLong(0)).containsExactlyElementsOf(RAISING);
        assertThat(errors).allSatisfy(row -> {
            assertThat(row.getString(1)).isEqualTo("failed");
            assertThat(row.getString(2)).contains("ValueError").contains("x1 out of range: 1000.0");
        });

        // One model per executor JVM, started once and reused by every partition and every later job.
        PythonModel started = ExecutorPythonModels.get(io.carrara.spark.ShippedModel.read(dataframe), settings, true).model();
        List<Long> workers = started.workerPids();
        int models = ExecutorPythonModels.size();
        BatchPrediction.run(spark, request("SELECT * FROM py.points WHERE id < 100", "py.again", dataframe, List.of()),
                io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings);
        assertThat(ExecutorPythonModels.get(io.carrara.spark.ShippedModel.read(dataframe), settings, true).model()).isSameAs(started);
        assertThat(started.workerPids()).isEqualTo(workers);
        assertThat(ExecutorPythonModels.size()).isEqualTo(models);
    }

    @Test
    void aModelIdlePastItsTimeoutIsStoppedAndStartedAgainByTheNextBatch() throws Exception {
        // A copy with one more file is another model (another digest), so no other test shares its workers.
        Path copy = Files.createDirectories(temporary.resolve("homes").resolve("idle"));
        try (Stream<Path> files = Files.walk(dataframe)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = copy.resolve(dataframe.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Files.writeString(copy.resolve("NOTES.txt"), "a model only this test scores");
        PythonSettings quick = settings.withBatchIdleTimeout(Duration.ofSeconds(1));
        io.carrara.spark.ShippedModel shipped = io.carrara.spark.ShippedModel.read(copy);
        List<Map<String, Object>> rows = List.of(Map.of("x1", 0.5, "x2", -0.25));

        ExecutorPythonModels.Loaded first = ExecutorPythonModels.get(shipped, quick, true);
        assertThat(first.score(rows)).singleElement().satisfies(outcome -> assertThat(outcome.isSuccess()).isTrue());
        List<Long> workers = first.model().workerPids();
        assertThat(workers).isNotEmpty();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (first.model().health().state() != PythonModel.State.CLOSED && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(first.model().health().state()).as("stopped after 1 s without a batch").isEqualTo(PythonModel.State.CLOSED);
        assertThat(first.score(rows)).as("a stopped model tells the task to get it again").isNull();
        for (long pid : workers) {
            ProcessHandle.of(pid).ifPresent(process -> process.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
        }

        ExecutorPythonModels.Loaded again = ExecutorPythonModels.get(shipped, quick, true);
        assertThat(again).isNotSameAs(first);
        assertThat(again.model().workerPids()).doesNotContainAnyElementsOf(workers);
        assertThat(again.score(rows)).singleElement().satisfies(outcome -> assertThat(outcome.isSuccess()).isTrue());
    }

    @Test
    void wrongTypedInputsGoToErrorsNamingTheColumn() {
        BatchResult result = BatchPrediction.run(spark, request("SELECT id, CAST(x1 AS STRING) AS x1, x2 FROM py.points"
                + " WHERE id < 10", "py.typed", dataframe, List.of()), io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()),
                settings);

        assertThat(result.rowsFailed()).isEqualTo(10);
        List<Row> errors = spark.sql("SELECT status, error, error_column FROM py.typed_errors").collectAsList();
        assertThat(errors).hasSize(10).allSatisfy(row -> {
            assertThat(row.getString(0)).isEqualTo("failed");
            assertThat(row.getString(1)).contains("x1");
            assertThat(row.getString(2)).isEqualTo("x1");
        });
    }

    @Test
    void columnsNarrowTheOutputs() {
        BatchPrediction.run(spark, request("SELECT id, x1, x2 FROM py.points WHERE id < 20", "py.labels", dataframe,
                List.of("label")), io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings);

        assertThat(spark.table("py.labels").schema().fieldNames()).containsExactly("id", "x1", "x2", "label", "model_name",
                "model_instance", "scored_at", "execution_date");
        assertThat(spark.table("py.labels").count()).isEqualTo(20);
    }

    @Test
    void aMissingInputIsRefusedBeforeAnyTask() {
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT id, x1 FROM py.points", "py.missing", dataframe,
                List.of()), io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings))
                .isInstanceOfSatisfying(CarraraException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SparkErrorCode.QUERY_COLUMNS.toErrorCode());
                    assertThat(e.getMessage()).contains("lacks [x2]");
                });
        assertThatThrownBy(() -> BatchPrediction.run(spark, request("SELECT * FROM py.points", "py.missing", dataframe,
                List.of("odds")), io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings))
                .hasMessageContaining("'odds'").hasMessageContaining("[probability, label]");
        assertThat(spark.catalog().tableExists("py.missing")).isFalse();
    }

    @Test
    void aTensorModelScoresAndANullTensorGoesToErrors() {
        BatchResult result = BatchPrediction.run(spark, request("SELECT * FROM py.vectors", "py.tensors", tensor, List.of()),
                io.carrara.spark.sql.SqlPolicy.of(java.util.Optional.empty()), settings);

        assertThat(result.rowsScored()).isEqualTo(39);
        assertThat(result.rowsFailed()).isEqualTo(1);
        assertThat(spark.table("py.tensors").schema().apply("scores").dataType())
                .isEqualTo(DataTypes.createArrayType(DataTypes.DoubleType, true));
        List<Row> scored = spark.sql("SELECT id, features, scores FROM py.tensors ORDER BY id").collectAsList();
        List<Map<String, Object>> requests = new ArrayList<>();
        for (Row row : scored) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("features", row.getList(1));
            requests.add(request);
        }
        List<RowOutcome> outcomes = online(tensor).score(requests);
        for (int i = 0; i < scored.size(); i++) {
            List<Double> expected = ((List<?>) outcomes.get(i).output().get("scores")).stream()
                    .map(value -> ((Number) value).doubleValue()).toList();
            assertThat(scored.get(i).<Double>getList(2)).as("row %s", scored.get(i).getLong(0)).containsExactlyElementsOf(expected);
        }
        Row error = spark.sql("SELECT id, status, error, error_column FROM py.tensors_errors").collectAsList().get(0);
        assertThat(error.getLong(0)).isEqualTo(7);
        assertThat(error.getString(1)).isEqualTo("failed");
        assertThat(error.getString(2)).contains("features");
        assertThat(error.getString(3)).isEqualTo("features");
    }

    private PythonModel online(Path home) {
        ModelHome model = ModelHome.read(home);
        Environment environment = new PythonEnvironments(settings).prepare(model, line -> { });
        PythonModel started = PythonModel.start(model, environment, settings, "online-" + home.getFileName());
        online.add(started);
        return started;
    }

    private static BatchRequest request(String query, String output, Path home, List<String> columns) {
        return new BatchRequest(query, TableName.parse(output, "output"), DATE, MODEL, INSTANCE, home, columns,
                ArtifactFormat.PYTHON);
    }

    /** Copies the test model home {@code name} (the CLI's templates) to a folder of its own. */
    static Path home(String name) {
        try {
            Path source = Path.of(PythonBatchPredictionTest.class.getResource("python/" + name).toURI());
            Path target = Files.createDirectories(temporary.resolve("homes").resolve(name));
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
