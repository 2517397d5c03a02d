package io.carrara.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void namesTheMissingStageDirectoryRelativeToTheModelAtLoadAndInCheckLayout() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("missing"));
        Path stage = metadataFile(model.resolve("stages"), "stdScal").getParent().getParent();
        deleteTree(stage);

        for (ThrowingCallable read : List.<ThrowingCallable>of(() -> SparkPipeline.load(model), () -> SparkPipeline.checkLayout(model))) {
            assertThatThrownBy(read)
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("stage 3 (stdScal_")
                    .hasMessageContaining("missing stage directory 'stages/" + stage.getFileName() + "'")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
        }
    }

    @Test
    void namesAnUnreadableMetadataFileRelativeToTheModel() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("not-json"));
        Path metadata = metadataFile(model.resolve("stages"), "stdScal");
        Files.writeString(metadata, "{not json");

        assertThatThrownBy(() -> SparkPipeline.load(model))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("stage 3 (stdScal_")
                .hasMessageContaining("metadata in '" + relative(model, metadata.getParent()) + "' is not JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
    }

    // ---- paths inside the model ----

    @ParameterizedTest
    @ValueSource(strings = {"../../evil", "../../../../evil"})
    void refusesAStageIdThatLeavesTheModelDirectoryAtLoadAndInCheckLayout(String evilUid) throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("models/trips"));
        Path original = metadataFile(model.resolve("stages"), "vecAssembler").getParent().getParent();
        String uid = original.getFileName().toString().substring("2_".length());
        // A valid-looking stage where the id leads (stages/evil, or beside the model for the longer
        // id), and the directory 2_.. that the file system walks through to get there: what an
        // archive would need to make the old loader read it.
        Files.createDirectory(model.resolve("stages").resolve("2_.."));
        Path planted = model.resolve("stages").resolve("2_" + evilUid).normalize();
        copyTree(original, planted);
        Path plantedMetadata = onlyPartFile(planted.resolve("metadata"));
        Files.writeString(plantedMetadata, Files.readString(plantedMetadata).replace(uid, evilUid));
        Path pipelineMetadata = onlyPartFile(model.resolve("metadata"));
        Files.writeString(pipelineMetadata, Files.readString(pipelineMetadata).replace(uid, evilUid));

        assertThat(planted.resolve("metadata")).isDirectory();
        for (ThrowingCallable read : List.<ThrowingCallable>of(() -> SparkPipeline.load(model), () -> SparkPipeline.checkLayout(model))) {
            assertThatThrownBy(read)
                    .isInstanceOfSatisfying(ModelException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(PipelineErrorCode.MODEL_UNREADABLE.toErrorCode());
                        assertThat(e.stage()).hasValue("stage 2 (" + evilUid + ")");
                        assertThat(e.getMessage()).doesNotContain(temporary.toString());
                    })
                    .hasMessageContaining("the stage id leaves the model directory: it has a path separator")
                    .hasMessageContaining("save the model again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "back\\slash", "nul\u0000byte"})
    void refusesOtherStageIdsThatCouldNameAnotherDirectory(String evilUid) throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("model"));
        Path pipelineMetadata = onlyPartFile(model.resolve("metadata"));
        String uid = metadataFile(model.resolve("stages"), "vecAssembler").getParent().getParent().getFileName().toString().substring(2);
        // As JSON writes them.
        String escaped = evilUid.replace("\\", "\\\\").replace("\u0000", "\\u0000");
        Files.writeString(pipelineMetadata, Files.readString(pipelineMetadata).replace(uid, escaped));

        assertThatThrownBy(() -> SparkPipeline.checkLayout(model))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("the stage id leaves the model directory");
    }

    @Test
    void refusesAStageDirectoryLinkedToOutsideTheModelAtLoadAndInCheckLayout() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("model"));
        Path stage = metadataFile(model.resolve("stages"), "vecAssembler").getParent().getParent();
        Path outside = Files.move(stage, temporary.resolve(stage.getFileName().toString()));
        Files.createSymbolicLink(stage, outside);

        for (ThrowingCallable read : List.<ThrowingCallable>of(() -> SparkPipeline.load(model), () -> SparkPipeline.checkLayout(model))) {
            assertThatThrownBy(read)
                    .isInstanceOfSatisfying(ModelException.class, e -> {
                        assertThat(e.stage()).hasValueSatisfying(name -> assertThat(name).startsWith("stage 2 (vecAssembler_"));
                        assertThat(e.getMessage()).doesNotContain(temporary.toString());
                    })
                    .hasMessageContaining("a path leaves the model directory: 'stages/" + stage.getFileName() + "' is a symbolic link")
                    .hasMessageContaining("replace the link with a copy");
        }
    }

    @Test
    void refusesAStagesDirectoryLinkedToOutsideTheModel() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("model"));
        Path outside = Files.move(model.resolve("stages"), temporary.resolve("stages"));
        Files.createSymbolicLink(model.resolve("stages"), outside);

        assertThatThrownBy(() -> SparkPipeline.checkLayout(model))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("a path leaves the model directory: 'stages' is a symbolic link");
    }

    @Test
    void refusesAMetadataFileLinkedToOutsideTheModel() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("model"));
        Path metadata = metadataFile(model.resolve("stages"), "stdScal");
        Path outside = Files.move(metadata, temporary.resolve("metadata.json"));
        Files.createSymbolicLink(metadata, outside);

        assertThatThrownBy(() -> SparkPipeline.checkLayout(model))
                .isInstanceOfSatisfying(ModelException.class,
                        e -> assertThat(e.stage()).hasValueSatisfying(name -> assertThat(name).startsWith("stage 3 (stdScal_")))
                .hasMessageContaining("'" + relative(model, metadata) + "' is a symbolic link");
    }

    @Test
    void followsTheLinkToTheModelDirectoryItself() throws IOException {
        Path link = Files.createSymbolicLink(temporary.resolve("link"), TRIPS.model());

        SparkPipeline.checkLayout(link);
        assertThat(SparkPipeline.load(link).stages()).hasSize(5);
    }

    @Test
    void everyGoldenModelPassesCheckLayoutAndLoads() {
        for (GoldenCase golden : GoldenCase.all()) {
            SparkPipeline.checkLayout(golden.model());
            assertThat(SparkPipeline.load(golden.model()).stages()).as(golden.name()).isNotEmpty();
        }
    }

    @Test
    void checkLayoutReadsMetadataOnly() throws IOException {
        Path model = TRIPS.copyModelTo(temporary.resolve("model"));
        Path data = onlyPartFile(metadataFile(model.resolve("stages"), "logreg").getParent().resolveSibling("data"));
        Files.writeString(data, "not parquet");

        SparkPipeline.checkLayout(model);
        assertThatThrownBy(() -> SparkPipeline.load(model))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("cannot read Parquet file '" + relative(model, data) + "'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
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

    private static Path onlyPartFile(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("part-")).collect(onlyElement());
        }
    }

    private static Collector<Path, ?, Path> onlyElement() {
        return Collectors.collectingAndThen(Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }

    private static String relative(Path model, Path path) {
        return model.relativize(path).toString().replace('\\', '/');
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted().toList()) {
                Path destination = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
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
