package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.RowResult;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spark.LocalSpark;
import io.carrara.spark.SparkSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds a stage to Spark: fit a pipeline with Spark on {@link TripsData}, save it, load the save
 * with carrara-pipeline, score every scoring row, and compare every column the pipeline adds with
 * Spark's {@code transform}: doubles within 1e-9 relative (1e-12 absolute near zero), vectors
 * element-wise, strings exactly, the same rows dropped by {@code skip} stages, and the rows we
 * reject rejected by Spark too. A stage's test is then a few lines:
 *
 * <pre>{@code
 * class BinarizerParityTest extends StageParityTest {
 *     BinarizerParityTest() { super(Binarizer.class); }
 *
 *     @Test void thresholdsDistance() {
 *         assertParity(new Binarizer().setInputCol("distance").setOutputCol("far").setThreshold(3.0));
 *     }
 * }
 * }</pre>
 *
 * The classes given to the constructor are the Spark stages the test covers; the coverage test
 * reads them, and this class checks after the tests that each was really fitted and compared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StageParityTest {
    private static final double RELATIVE_TOLERANCE = 1e-9;
    private static final double ABSOLUTE_TOLERANCE = 1e-12;
    private static final int SPARK_REJECTION_CHECKS = 3;

    private final Set<Class<?>> coveredStages;
    private final Set<Class<?>> comparedStages = new HashSet<>();

    @TempDir
    Path temporaryDirectory;

    protected StageParityTest(Class<?>... coveredStages) {
        this.coveredStages = Set.of(coveredStages);
    }

    /** The Spark model (or transformer) classes this test holds to Spark; read by {@link StageParityCoverageTest}. */
    public final Set<Class<?>> coveredStages() {
        return coveredStages;
    }

    protected SparkSession spark() {
        return LocalSpark.session();
    }

    protected Dataset<Row> trainingData() {
        return TripsData.training(spark());
    }

    protected Dataset<Row> scoringData() {
        return TripsData.scoring(spark());
    }

    /** Fits the stages as one pipeline on {@link #trainingData()} and compares on {@link #scoringData()}. */
    protected ParityReport assertParity(PipelineStage... stages) {
        PipelineModel model = new Pipeline().setStages(stages).fit(trainingData());
        return assertParity(model, scoringData());
    }

    protected ParityReport assertParity(PipelineModel model, Dataset<Row> scoring) {
        Path directory = save(model);
        for (Transformer stage : model.stages()) {
            comparedStages.add(stage.getClass());
        }
        PipelineModel reloaded = PipelineModel.load(directory.toString());
        return compare(reloaded::transform, directory, scoring);
    }

    /**
     * Saves one fitted model on its own (not inside a PipelineModel) and compares our load of that
     * bare directory with the model's own {@code transform} on already-prepared input.
     */
    protected <M extends Transformer & MLWritable> ParityReport assertParityOfBareStage(M model, Dataset<Row> prepared) {
        try {
            Path directory = Files.createTempDirectory(temporaryDirectory, "stage");
            Files.delete(directory);
            model.write().save(directory.toString());
            comparedStages.add(model.getClass());
            return compare(model::transform, directory, prepared);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected Path save(PipelineModel model) {
        try {
            Path directory = Files.createTempDirectory(temporaryDirectory, "model");
            Files.delete(directory);
            model.write().save(directory.toString());
            return directory;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Scores {@code scoring} with the save at {@code directory} and with Spark's {@code sparkTransform}, and compares. */
    protected ParityReport compare(Function<Dataset<Row>, Dataset<Row>> sparkTransform, Path directory, Dataset<Row> scoring) {
        StructType inputSchema = scoring.schema();
        // Every stage's real save must pass the upload check, nested saves included.
        SparkPipeline.checkLayout(directory);
        CompiledPipeline ours = SparkPipeline.load(directory).compile(SparkSchemas.toSchema(inputSchema));
        List<Row> inputRows = scoring.collectAsList();

        List<Map<String, Object>> maps = new ArrayList<>();
        for (Row row : inputRows) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < inputSchema.fields().length; i++) {
                map.put(inputSchema.fields()[i].name(), row.isNullAt(i) ? null : SparkSchemas.toRuntimeValue(row.get(i)));
            }
            maps.add(map);
        }
        List<RowResult> results = ours.scoreAll(maps);

        List<Row> accepted = new ArrayList<>();
        List<Row> rejected = new ArrayList<>();
        for (int i = 0; i < inputRows.size(); i++) {
            (results.get(i).status() == RowResult.Status.FAILED ? rejected : accepted).add(inputRows.get(i));
        }
        for (Row row : rejected.subList(0, Math.min(SPARK_REJECTION_CHECKS, rejected.size()))) {
            Dataset<Row> single = spark().createDataFrame(List.of(row), inputSchema);
            assertThatThrownBy(() -> sparkTransform.apply(single).collectAsList())
                    .as("Spark should reject the row we reject: %s (our reason: %s)", row,
                            results.get(inputRows.indexOf(row)).error().orElseThrow().getMessage())
                    .isNotNull();
        }

        Dataset<Row> sparkOutput = sparkTransform.apply(spark().createDataFrame(accepted, inputSchema));
        List<String> addedBySpark = Arrays.stream(sparkOutput.schema().fieldNames())
                .filter(name -> !Arrays.asList(inputSchema.fieldNames()).contains(name))
                .toList();
        List<String> addedByUs = ours.addedFields().stream().map(io.carrara.spi.schema.Field::name).toList();
        assertThat(addedByUs).as("columns the pipeline adds").isEqualTo(addedBySpark);
        assertThat(ours.outputSchema().names()).as("output columns, in order").containsExactly(sparkOutput.schema().fieldNames());

        String id = inputSchema.fieldNames()[0];
        Map<Object, Row> sparkById = new HashMap<>();
        for (Row row : sparkOutput.collectAsList()) {
            sparkById.put(row.getAs(id), row);
        }
        int scored = 0;
        int skipped = 0;
        for (int i = 0; i < inputRows.size(); i++) {
            RowResult result = results.get(i);
            Object rowId = inputRows.get(i).getAs(id);
            switch (result.status()) {
                case FAILED -> assertThat(sparkById).as("Spark output for rejected row %s", rowId).doesNotContainKey(rowId);
                case SKIPPED -> {
                    assertThat(sparkById).as("row %s, which we skip, in Spark's output", rowId).doesNotContainKey(rowId);
                    skipped++;
                }
                case SCORED -> {
                    Row sparkRow = sparkById.get(rowId);
                    assertThat(sparkRow).as("row %s, which we score, in Spark's output", rowId).isNotNull();
                    Map<String, Object> ourRow = result.row().orElseThrow();
                    for (String column : addedBySpark) {
                        Object expected = SparkSchemas.toRuntimeValue(sparkRow.getAs(column));
                        assertSame(column, rowId, expected, ourRow.get(column));
                    }
                    scored++;
                }
            }
        }
        assertThat(scored).as("rows scored").isPositive();
        return new ParityReport(scored, skipped, rejected.size());
    }

    private static void assertSame(String column, Object rowId, Object expected, Object actual) {
        String where = "column " + column + " of row " + rowId;
        if (expected == null || actual == null) {
            assertThat(actual).as(where).isEqualTo(expected);
        } else if (expected instanceof Vector expectedVector) {
            assertThat(actual).as(where).isInstanceOf(Vector.class);
            Vector actualVector = (Vector) actual;
            assertThat(actualVector.size()).as(where + " size").isEqualTo(expectedVector.size());
            for (int k = 0; k < expectedVector.size(); k++) {
                assertClose(where + "[" + k + "]", expectedVector.get(k), actualVector.get(k));
            }
        } else if (expected instanceof List<?> expectedList && expectedList.stream().anyMatch(Vector.class::isInstance)) {
            assertThat(actual).as(where).isInstanceOf(List.class);
            List<?> actualList = (List<?>) actual;
            assertThat(actualList).as(where + " length").hasSameSizeAs(expectedList);
            for (int k = 0; k < expectedList.size(); k++) {
                assertSame(column + "[" + k + "]", rowId, expectedList.get(k), actualList.get(k));
            }
        } else if (expected instanceof Double expectedDouble) {
            assertThat(actual).as(where).isInstanceOf(Double.class);
            assertClose(where, expectedDouble, (Double) actual);
        } else {
            assertThat(actual).as(where).isEqualTo(expected);
        }
    }

    private static void assertClose(String where, double expected, double actual) {
        if (Double.isNaN(expected)) {
            assertThat(Double.isNaN(actual)).as(where + ": Spark gives NaN, we give " + actual).isTrue();
            return;
        }
        if (Double.isInfinite(expected)) {
            assertThat(actual).as(where).isEqualTo(expected);
            return;
        }
        double tolerance = Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * Math.max(Math.abs(expected), Math.abs(actual)));
        if (Math.abs(expected - actual) > tolerance) {
            fail(where + ": Spark gives " + expected + ", we give " + actual);
        }
    }

    @AfterAll
    void everyCoveredStageWasCompared() {
        Set<Class<?>> missing = new HashSet<>(coveredStages);
        missing.removeAll(comparedStages);
        assertThat(missing.stream().map(Class::getName).collect(Collectors.toSet()))
                .as("stages this test claims to cover but never fitted and compared")
                .isEmpty();
    }

    /** How the scoring rows went: every scored row matched Spark. Tests assert the edge cases they meant to hit. */
    public record ParityReport(int scored, int skipped, int rejected) {
    }
}
