package io.carrara.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.schema.Field;
import io.carrara.pipeline.schema.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkPipelineTest {
    private static final GoldenCase TRIPS = GoldenCase.of("4.1.0", "trips-logistic-regression");
    private static final GoldenCase BARE = GoldenCase.of("4.1.0", "bare-logistic-regression");

    @TempDir
    Path temporary;

    @Test
    void loadsEveryStageOfASpark4PipelineInOrder() {
        SparkPipeline pipeline = SparkPipeline.load(TRIPS.model());

        assertThat(pipeline.sparkVersion()).isEqualTo("4.1.0");
        assertThat(pipeline.stages()).extracting(stage -> stage.description().replaceAll(".*, ", "").replace(")", ""))
                .containsExactly("org.apache.spark.ml.feature.StringIndexerModel", "org.apache.spark.ml.feature.OneHotEncoderModel",
                        "org.apache.spark.ml.feature.VectorAssembler", "org.apache.spark.ml.feature.StandardScalerModel",
                        "org.apache.spark.ml.classification.LogisticRegressionModel");
    }

    @Test
    void readsTheSpark3MetadataLayout() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("spark3"));
        // Spark 3.x saves metadata with saveAsTextFile: a bare part-00000 and no .txt suffix.
        try (Stream<Path> files = Files.walk(model)) {
            for (Path file : files.filter(file -> file.getParent().getFileName().toString().equals("metadata")).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("part-")) {
                    Files.move(file, file.resolveSibling("part-00000"));
                } else {
                    Files.delete(file);
                }
            }
        }
        Map<String, Object> row = TRIPS.rows().get(0).input();

        Object spark3 = SparkPipeline.load(model).compile(TRIPS.inputSchema()).score(row).orElseThrow().get("probability");
        Object spark4 = SparkPipeline.load(TRIPS.model()).compile(TRIPS.inputSchema()).score(row).orElseThrow().get("probability");

        assertThat(spark3).isEqualTo(spark4);
    }

    @Test
    void loadsADirectoryHoldingOneBareModel() {
        SparkPipeline pipeline = SparkPipeline.load(BARE.model());

        assertThat(pipeline.stages()).hasSize(1);
        assertThat(pipeline.compile(BARE.inputSchema()).addedFields()).extracting(Field::name)
                .containsExactly("rawPrediction", "probability", "prediction");
    }

    @Test
    void refusesAnUnsupportedStageAtLoadNamingItAndWhatIsSupported() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("unsupported"));
        Path metadata = metadataFile(model.resolve("stages"), "vecAssembler");
        Files.writeString(metadata, Files.readString(metadata).replace("org.apache.spark.ml.feature.VectorAssembler",
                "org.apache.spark.ml.fpm.FPGrowthModel"));

        assertThatThrownBy(() -> SparkPipeline.load(model))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.STAGE_UNSUPPORTED.toErrorCode());
                    assertThat(e.stage()).hasValueSatisfying(stage -> assertThat(stage).startsWith("stage 2 (vecAssembler_"));
                })
                .hasMessageContaining("unsupported stage org.apache.spark.ml.fpm.FPGrowthModel")
                .hasMessageContaining("; supported stages: org.apache.spark.ml.classification.")
                .hasMessageContaining("org.apache.spark.ml.feature.VectorAssembler");
    }

    @Test
    void namesTheMissingStageDirectory() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("missing"));
        Path stage = metadataFile(model.resolve("stages"), "stdScal").getParent().getParent();
        try (Stream<Path> files = Files.walk(stage)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }

        assertThatThrownBy(() -> SparkPipeline.load(model))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("stage 3 (stdScal_")
                .hasMessageContaining("missing stage directory");
    }

    @Test
    void refusesADirectoryThatIsNotASparkSave() throws IOException {
        Path empty = Files.createDirectory(temporary.resolve("empty"));

        assertThatThrownBy(() -> SparkPipeline.load(empty))
                .isInstanceOfSatisfying(ModelException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.MODEL_UNREADABLE.toErrorCode()))
                .hasMessageContaining("no metadata directory");
    }

    @Test
    void compileNamesTheStageAndTheMissingColumn() {
        List<Field> withoutDistance = TRIPS.inputSchema().fields().stream().filter(field -> !field.name().equals("distance")).toList();
        SparkPipeline pipeline = SparkPipeline.load(TRIPS.model());

        assertThatThrownBy(() -> pipeline.compile(new Schema(withoutDistance)))
                .isInstanceOfSatisfying(ModelException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.SCHEMA_MISMATCH.toErrorCode()))
                .hasMessageContaining("stage 2 (vecAssembler_")
                .hasMessageContaining("input column 'distance' does not exist");
    }

    static Path metadataFile(Path stages, String uidPrefix) throws IOException {
        try (Stream<Path> files = Files.walk(stages)) {
            return files.filter(file -> file.getFileName().toString().startsWith("part-")
                            && file.getParent().getFileName().toString().equals("metadata")
                            && file.getParent().getParent().getFileName().toString().matches("\\d+_" + uidPrefix + "_.*"))
                    .findFirst().orElseThrow();
        }
    }
}
