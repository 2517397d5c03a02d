package io.carrara.serving.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.json.JsonRows;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import io.carrara.spi.schema.SchemaText;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.PredictionResult.Status;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkPipelineRuntimeTest {
    private final LoadedModel model = ModelRuntimes.discover().load(ArtifactFormat.SPARK_PIPELINE, GoldenModels.model(GoldenModels.TRIPS_LR));

    @Test
    void scoresJsonRowsAsSparkDidAndCompilesEachShapeOnce() {
        List<GoldenModels.Case> cases = GoldenModels.cases(GoldenModels.TRIPS_LR);

        List<ScoredRow> scored = model.score(cases.stream().map(GoldenModels.Case::input).toList());
        model.score(cases.stream().map(GoldenModels.Case::input).toList());

        assertThat(scored).hasSameSizeAs(cases);
        for (int i = 0; i < cases.size(); i++) {
            GoldenModels.Case golden = cases.get(i);
            ScoredRow row = scored.get(i);
            if (golden.skipped()) {
                assertThat(row.status()).as("row %d", i).isEqualTo(Status.SKIPPED);
                continue;
            }
            assertThat(row.status()).as("row %d: %s", i, row.error()).isEqualTo(Status.SCORED);
            assertThat(row.added()).extracting(field -> field.name()).contains("probability", "prediction");
            assertSameNumbers(JsonRows.toJson(row.output().orElseThrow().get("probability")), golden.output().get("probability"));
            assertThat(row.output().orElseThrow().get("prediction")).isEqualTo(golden.output().get("prediction").doubleValue());
        }
        assertThat(((SparkPipelineModel) model).compiledShapes()).isEqualTo(1);
        assertThat(model.inputs()).extracting(field -> field.name()).contains("city", "distance");
        assertThat(model.outputs()).extracting(field -> field.name()).contains("prediction");
    }

    @Test
    void aRowOfTheWrongTypeFailsAloneNamingTheColumn() {
        List<Map<String, Object>> rows = new ArrayList<>(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2));
        Map<String, Object> wrong = new LinkedHashMap<>(rows.get(0));
        wrong.put("distance", "far");
        rows.add(1, wrong);

        List<ScoredRow> scored = model.score(rows);

        assertThat(scored).extracting(ScoredRow::status).containsExactly(Status.SCORED, Status.FAILED, Status.SCORED);
        assertThat(scored.get(1).error().orElseThrow().column()).contains("distance");
        assertThat(scored.get(1).error().orElseThrow().message()).contains("column distance expects a number");
        assertThat(scored.get(1).error().orElseThrow().code()).isEqualTo(PipelineErrorCode.ROW_INVALID.toErrorCode());
    }

    @Test
    void aMissingColumnFailsEveryRowWithTheBindingError() {
        Map<String, Object> row = new HashMap<>(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0));
        row.remove("city");

        List<ScoredRow> scored = model.score(List.of(row, row));

        assertThat(scored).extracting(ScoredRow::status).containsOnly(Status.FAILED);
        assertThat(scored.get(0).error().orElseThrow().message()).contains("city");
        assertThat(scored.get(0).error().orElseThrow().code()).isEqualTo(PipelineErrorCode.SCHEMA_MISMATCH.toErrorCode());
    }

    @Test
    void aColumnNullInEveryRowIsLeftToThePipelinesNullHandling() {
        Map<String, Object> row = new HashMap<>(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1).get(0));
        row.put("duration", null);

        List<ScoredRow> scored = model.score(List.of(row));

        // The golden rows show the pipeline's VectorAssembler skips rows with a null duration, as Spark did.
        assertThat(scored).extracting(ScoredRow::status).containsExactly(Status.SKIPPED);
    }

    @Test
    void nonFiniteStringsInANumericColumnAreDoubles() {
        List<Map<String, Object>> rows = GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 2);
        Map<String, Object> infinite = new LinkedHashMap<>(rows.get(1));
        infinite.put("fare", "Infinity");

        List<ScoredRow> scored = model.score(List.of(rows.get(0), infinite));

        assertThat(scored.get(1).status()).as("%s", scored.get(1).error()).isEqualTo(Status.SCORED);
        assertThat(scored.get(1).output().orElseThrow().get("fare")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void declaredInputsDescribeTheModelBeforeAnyRequestAndMustFitThePipeline() {
        Schema declared = SchemaText.parse("id bigint, city string, vendor string, payment string, passengers int, hour int,"
                + " distance double, duration double, airport boolean", "inputSchema");
        LoadedModel described = ModelRuntimes.discover().load(ArtifactFormat.SPARK_PIPELINE,
                GoldenModels.model(GoldenModels.TRIPS_LR), Optional.of(declared));

        assertThat(described.inputs()).isEqualTo(declared.fields());
        assertThat(described.outputs()).extracting(Field::name).contains("features", "probability", "prediction");
        assertThat(described.score(GoldenModels.scoredInputs(GoldenModels.TRIPS_LR, 1)).get(0).status()).isEqualTo(Status.SCORED);

        CarraraException wrong = catchThrowableOfType(CarraraException.class, () -> ModelRuntimes.discover().load(
                ArtifactFormat.SPARK_PIPELINE, GoldenModels.model(GoldenModels.TRIPS_LR),
                Optional.of(SchemaText.parse("city double", "inputSchema"))));
        assertThat(wrong.getMessage()).startsWith("the pipeline does not take the instance's declared inputSchema: ");
    }

    @Test
    void opaqueAndPythonArtifactsAreRefusedWithTheReason(@TempDir Path directory) {
        CarraraException opaque = catchThrowableOfType(CarraraException.class,
                () -> ModelRuntimes.discover().load(ArtifactFormat.OPAQUE, directory));
        CarraraException python = catchThrowableOfType(CarraraException.class,
                () -> ModelRuntimes.discover().load(ArtifactFormat.PYTHON, directory));

        assertThat(opaque.errorCode()).isEqualTo(ServingErrorCode.FORMAT_UNSUPPORTED.toErrorCode());
        assertThat(opaque.getMessage()).contains("opaque").contains("cannot serve it");
        assertThat(python.getMessage()).contains("no runtime for python");
    }

    private static void assertSameNumbers(JsonNode actual, JsonNode expected) {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).doubleValue()).isCloseTo(expected.get(i).doubleValue(), within(1e-9));
        }
    }
}
