package io.carrara.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.batch.BatchJobInfo.Status;
import io.carrara.batch.workflow.WorkflowRunInfo;
import io.carrara.batch.workflow.WorkflowRunInfo.RunStatus;
import io.carrara.batch.workflow.WorkflowRunInfo.StepStatus;
import io.carrara.batch.workflow.WorkflowService;
import io.carrara.batch.workflow.WorkflowStore;
import io.carrara.python.PythonSettings;
import io.carrara.registry.ModelRegistry;
import io.carrara.registry.blob.FileSystemBlobStore;
import io.carrara.registry.db.DatabaseDialect;
import io.carrara.registry.db.RegistryDatabase;
import io.carrara.registry.db.TestDatabases;
import io.carrara.registry.deploy.DeploymentRegistry;
import io.carrara.registry.model.Instance;
import io.carrara.registry.model.NewInstance;
import io.carrara.registry.model.NewModel;
import io.carrara.registry.model.NewProject;
import io.carrara.serving.engine.ModelCache;
import io.carrara.serving.engine.ModelCacheConfig;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.spark.batch.SparkSettings;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.StoredBlob;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.net.OutboundAddressPolicy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A python instance's batch job and workflow predict step through {@link BatchJobService}, as the
 * server runs them: registry artifact, model cache, local Spark, the model's environment built (or
 * found) in the build's shared environments folder, real workers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonBatchJobTest {
    private static final ModelRef POINTS = new ModelRef("geo", "points");
    private static final LocalDate DATE = LocalDate.parse("2026-11-01");
    /** The CLI's template, byte for byte: the environment is the one other tests build. */
    private static final String REQUIREMENTS = "# pip requirements of model.py, each pinned with ==: the model's environment is"
            + " built from them.\nnumpy==2.2.6\npandas==2.3.3\n";

    @TempDir
    static Path home;

    private TestDatabases.TestDatabase testDatabase;
    private RegistryDatabase database;
    private FileSystemBlobStore blobs;
    private ModelRegistry registry;
    private ModelCache cache;
    private SparkRuntime spark;
    private BatchRunner runner;
    private BatchJobService jobs;
    private WorkflowService workflows;
    private Instance python;
    private Instance opaque;
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    @BeforeAll
    void start() throws IOException {
        testDatabase = TestDatabases.create(DatabaseDialect.H2);
        database = RegistryDatabase.open(testDatabase.config());
        blobs = new FileSystemBlobStore(home.resolve("blobs"));
        registry = new ModelRegistry(database, blobs);
        registry.createProject(new NewProject("geo", null), "alice");
        registry.createModel("geo", NewModel.named("points"), "alice");
        python = upload(zip(modelHome(home.resolve("home"))), "python", "zip");
        opaque = upload("not a model".getBytes(), "opaque", "file");
        cache = new ModelCache(new ModelCacheConfig(home.resolve("models"), ModelCacheConfig.DEFAULT_MEMORY_BUDGET,
                ModelCacheConfig.DEFAULT_MEMORY_FACTOR, Duration.ofSeconds(1)), registry, ModelRuntimes.discover());
        spark = new SparkRuntime(SparkSettings.embedded(home).withMaster("local[2]")
                .withConfig("spark.sql.shuffle.partitions", "2"));
        runner = new BatchRunner(database, Duration.ofSeconds(1), Duration.ofSeconds(3));
        jobs = new BatchJobService(spark, registry, new DeploymentRegistry(database), cache::fetch, pythonSettings(),
                new BatchJobStore(database, runner.id()), 1, meters);
        workflows = new WorkflowService(database, new WorkflowStore(database, runner.id()), jobs, spark, Duration.ofSeconds(1),
                OutboundAddressPolicy.PUBLIC_ONLY, meters);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 200; id++) {
            rows.add(RowFactory.create(id, (id % 13) / 3.0 - 2.0, (id % 7) / 2.0 - 1.5, DATE.toString()));
        }
        spark.session().sql("CREATE DATABASE IF NOT EXISTS geo");
        spark.session().createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("x1", DataTypes.DoubleType)
                .add("x2", DataTypes.DoubleType).add("ds", DataTypes.StringType)).write().saveAsTable("geo.points");
    }

    @AfterAll
    void stop() throws IOException {
        workflows.close();
        jobs.close();
        spark.close();
        runner.close();
        cache.close();
        database.close();
        blobs.close();
        testDatabase.close();
    }

    @Test
    void aPythonInstancesBatchJobSucceeds() throws Exception {
        BatchJobInfo job = jobs.submit(new BatchJobSpec(Optional.of(python.id()), Optional.empty(), "SELECT * FROM geo.points",
                "geo.scored", DATE, List.of()), "alice");
        BatchJobInfo done = jobs.completion(job.id()).get(3, TimeUnit.MINUTES);

        assertThat(done.status()).as("error: %s", done.error()).isEqualTo(Status.SUCCEEDED);
        assertThat(((Number) done.result().get("rowsScored")).longValue()).isEqualTo(200);
        assertThat(((Number) done.result().get("rowsFailed")).longValue()).isZero();
        Row first = spark.session().sql("SELECT probability, label, model_name FROM geo.scored WHERE id = 0").first();
        // The template's logistic function: 0.75 * x1 - 1.5 * x2 + 0.25 at x1 = -2, x2 = -1.5.
        assertThat(first.getDouble(0)).isCloseTo(1.0 / (1.0 + Math.exp(-(0.75 * -2.0 - 1.5 * -1.5 + 0.25))),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(first.getString(1)).isEqualTo("yes");
        assertThat(first.getString(2)).isEqualTo("geo/points");
    }

    @Test
    void anInstanceUploadedWithoutValidationScoresWithoutItAndAnotherIsRefusedByIt() throws Exception {
        Path differs = modelHome(home.resolve("differs"));
        Path expected = differs.resolve("validation/expected.jsonl");
        Files.writeString(expected, Files.readString(expected).replaceFirst("\"probability\": [0-9.]+", "\"probability\": 0.25"));
        StoredBlob blob = blobs.put(new ByteArrayInputStream(zip(differs)), Long.MAX_VALUE);
        Instance validated = registry.createInstance(POINTS, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "python", "zip"),
                Map.of(), null), "alice");
        Instance skipped = registry.createInstance(POINTS, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), "python", "zip"),
                Map.of("python.validation", "skipped"), null), "alice");

        BatchJobInfo refused = jobs.completion(jobs.submit(new BatchJobSpec(Optional.of(validated.id()), Optional.empty(),
                "SELECT * FROM geo.points", "geo.refused", DATE, List.of()), "alice").id()).get(3, TimeUnit.MINUTES);
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.error().toString()).contains("validation");

        BatchJobInfo scored = jobs.completion(jobs.submit(new BatchJobSpec(Optional.of(skipped.id()), Optional.empty(),
                "SELECT * FROM geo.points", "geo.unvalidated", DATE, List.of()), "alice").id()).get(3, TimeUnit.MINUTES);
        assertThat(scored.status()).as("error: %s", scored.error()).isEqualTo(Status.SUCCEEDED);
        assertThat(((Number) scored.result().get("rowsScored")).longValue()).isEqualTo(200);
    }

    @Test
    void aWorkflowPredictStepScoresWithAPythonInstance() throws Exception {
        String yaml = """
                name: points-daily
                steps:
                  - name: today
                    sql: SELECT id, x1, x2 FROM geo.points WHERE ds = '{{ execution_date }}'
                    output: geo.today
                  - name: score
                    predict:
                      instance: %s
                      query: SELECT * FROM geo.today
                      output: geo.wf_scored
                retries: {max: 0, backoff: 1s}
                """.formatted(python.id());
        UUID id = workflows.run(yaml, DATE, Optional.empty(), "alice").id();
        WorkflowRunInfo run = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            run = workflows.getRun(id);
            if (run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.FAILED) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(run.status()).as("error: %s", run.error()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.steps()).extracting(WorkflowRunInfo.Step::status).containsOnly(StepStatus.SUCCEEDED);
        assertThat(spark.session().table("geo.wf_scored").count()).isEqualTo(200);
    }

    @Test
    void anOpaqueInstanceIsRefused() {
        assertThatThrownBy(() -> jobs.submit(new BatchJobSpec(Optional.of(opaque.id()), Optional.empty(),
                "SELECT * FROM geo.points", "geo.opaque", DATE, List.of()), "alice"))
                .isInstanceOf(CarraraException.class)
                .hasMessageContaining("opaque").hasMessageContaining("spark-pipeline and python");
    }

    private static PythonSettings pythonSettings() {
        String shared = System.getProperty("carrara.test.pythonEnvs");
        PythonSettings defaults = PythonSettings.defaults(home);
        return shared == null || shared.isBlank() ? defaults : defaults.withEnvironments(Path.of(shared));
    }

    private Instance upload(byte[] content, String format, String packaging) throws IOException {
        StoredBlob blob = blobs.put(new ByteArrayInputStream(content), Long.MAX_VALUE);
        return registry.createInstance(POINTS, new NewInstance(new NewInstance.ArtifactSpec(blob.sha256(), format, packaging),
                Map.of(), null), "alice");
    }

    private static byte[] zip(Path directory) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelArchive.pack(directory, zip);
        return zip.toByteArray();
    }

    /** The CLI's dataframe template (a logistic function of x1 and x2), computed column by column. */
    private static Path modelHome(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("validation"));
        Files.createDirectories(dir.resolve("artifacts"));
        Files.writeString(dir.resolve("carrara.yaml"), """
                formatVersion: 1
                kind: dataframe
                python: "3.11"
                inputs:
                  - {name: x1, type: double}
                  - {name: x2, type: double}
                outputs:
                  - {name: probability, type: double}
                  - {name: label, type: string}
                tolerance:
                  absolute: 1.0e-9
                  relative: 0.0
                """);
        Files.writeString(dir.resolve("model.py"), """
                import json

                import carrara
                import numpy as np
                import pandas as pd


                class Model(carrara.DataFrameModel):
                    def __init__(self, home):
                        with open(home / "artifacts" / "coefficients.json") as f:
                            coefficients = json.load(f)
                        self.weights = coefficients["weights"]
                        self.bias = coefficients["bias"]

                    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
                        logit = df["x1"].to_numpy() * self.weights[0] + df["x2"].to_numpy() * self.weights[1] + self.bias
                        probability = 1.0 / (1.0 + np.exp(-logit))
                        return pd.DataFrame({"probability": probability, "label": np.where(probability >= 0.5, "yes", "no")})
                """);
        Files.writeString(dir.resolve("requirements.txt"), REQUIREMENTS);
        Files.writeString(dir.resolve("artifacts/coefficients.json"), "{\"weights\": [0.75, -1.5], \"bias\": 0.25}\n");
        Files.writeString(dir.resolve("validation/input.jsonl"), """
                {"x1": 0.0, "x2": 0.0}
                {"x1": 2.0, "x2": 0.5}
                {"x1": -1.0, "x2": 1.0}
                """);
        Files.writeString(dir.resolve("validation/expected.jsonl"), """
                {"probability": 0.5621765008857981, "label": "yes"}
                {"probability": 0.7310585786300049, "label": "yes"}
                {"probability": 0.11920292202211755, "label": "no"}
                """);
        return dir;
    }
}
