package io.carrara.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompiledPipelineTest {
    private static final GoldenCase TRIPS = GoldenCase.of("4.1.0", "trips-logistic-regression");

    @TempDir
    Path temporary;

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>(TRIPS.rows().get(0).input());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    @Test
    void theTypedFrameApiGivesWhatTheMapApiGives() {
        CompiledPipeline pipeline = SparkPipeline.load(TRIPS.model()).compile(TRIPS.inputSchema());
        Map<String, Object> input = TRIPS.rows().get(0).input();
        Frame frame = pipeline.newFrame();
        for (var field : pipeline.inputSchema().fields()) {
            Object value = input.get(field.name());
            int slot = pipeline.slot(field.name());
            if (value == null) {
                frame.setNull(slot);
            } else if (value instanceof String text) {
                frame.setObject(slot, text);
            } else if (value instanceof Boolean bool) {
                frame.setDouble(slot, bool ? 1 : 0);
            } else {
                frame.setDouble(slot, ((Number) value).doubleValue());
            }
        }

        assertThat(pipeline.score(frame)).isTrue();
        Map<String, Object> viaMaps = pipeline.score(input).orElseThrow();
        assertThat(frame.getVector(pipeline.slot("probability"))).isEqualTo(viaMaps.get("probability"));
        assertThat(frame.getDouble(pipeline.slot("prediction"))).isEqualTo(viaMaps.get("prediction"));
    }

    @Test
    void passesInputThroughAndAddsSparksColumnsInOrder() {
        CompiledPipeline pipeline = SparkPipeline.load(TRIPS.model()).compile(TRIPS.inputSchema());

        Map<String, Object> scored = pipeline.score(row("city", "nowhere")).orElseThrow();

        // All 40 cities of the trips table were seen in training, so the keep bucket is index 40.
        assertThat(scored).containsEntry("city", "nowhere").containsEntry("city_index", 40.0);
        assertThat(List.copyOf(scored.keySet()).subList(TRIPS.inputSchema().size(), scored.size())).containsExactly(
                "city_index", "vendor_index", "payment_index", "city_vector", "vendor_vector", "payment_vector", "raw_features",
                "features", "rawPrediction", "probability", "prediction");
        assertThat(scored.get("probability")).isInstanceOf(Vector.class);
    }

    @Test
    void anUnseenLabelWithHandleInvalidErrorNamesTheColumnAndTheFix() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("error"));
        Path metadata = SparkPipelineTest.metadataFile(model.resolve("stages"), "strIdx");
        Files.writeString(metadata, Files.readString(metadata).replace("\"handleInvalid\":\"keep\"", "\"handleInvalid\":\"error\""));
        // Without the keep bucket the indexer's nominal attribute has one value fewer than the
        // encoder was fitted on, which Spark's OneHotEncoderModel refuses; score the indexer alone.
        Path pipelineMetadata;
        try (java.util.stream.Stream<Path> files = Files.list(model.resolve("metadata"))) {
            pipelineMetadata = files.filter(file -> file.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
        }
        Files.writeString(pipelineMetadata, Files.readString(pipelineMetadata)
                .replaceAll("\"stageUids\":\\[(\"strIdx_[0-9a-f]+\")[^\\]]*\\]", "\"stageUids\":[$1]"));
        CompiledPipeline pipeline = SparkPipeline.load(model).compile(TRIPS.inputSchema());

        assertThatThrownBy(() -> pipeline.score(row("city", "XYZ")))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("city"))
                .hasMessage("unseen label 'XYZ' in column city; set handleInvalid=keep to score it");
        assertThatThrownBy(() -> pipeline.score(row("vendor", null)))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("vendor"))
                .hasMessageContaining("null in column vendor");
    }

    @Test
    void aValueOfTheWrongTypeIsARowError() {
        CompiledPipeline pipeline = SparkPipeline.load(TRIPS.model()).compile(TRIPS.inputSchema());

        assertThatThrownBy(() -> pipeline.score(row("distance", "far")))
                .isInstanceOfSatisfying(RowException.class, e -> assertThat(e.column()).isEqualTo("distance"))
                .hasMessage("column distance expects a number, got a string 'far'; send a number or null");
    }

    @Test
    void scoreAllReportsEachRowWithoutThrowing() {
        CompiledPipeline pipeline = SparkPipeline.load(TRIPS.model()).compile(TRIPS.inputSchema());

        List<RowResult> results = pipeline.scoreAll(List.of(row(), row("distance", null), row("airport", "yes")));

        assertThat(results).extracting(RowResult::status)
                .containsExactly(RowResult.Status.SCORED, RowResult.Status.SKIPPED, RowResult.Status.FAILED);
        assertThat(results.get(2).error().orElseThrow().column()).isEqualTo("airport");
    }
}
