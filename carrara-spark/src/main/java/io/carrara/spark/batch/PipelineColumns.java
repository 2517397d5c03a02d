package io.carrara.spark.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.StageMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The columns a saved pipeline reads from its input, as its stages' column parameters tell: a
 * stage's {@code inputCol}, {@code inputCols} or {@code featuresCol} that no earlier stage writes.
 * Only for error messages: when compiling fails on an intermediate column (Spark's StringIndexer
 * skips a missing input, so the failure surfaces a stage later), this names the input the query
 * lacks. Stages that read columns by other means (RFormula's formula, SQLTransformer's statement)
 * are not seen through.
 */
final class PipelineColumns {
    private static final Set<String> INPUT_PARAMS = Set.of("inputCol", "inputCols", "featuresCol");
    private static final Set<String> TRAINING_PARAMS = Set.of("labelCol", "weightCol", "censorCol");
    private static final String PIPELINE_MODEL = "org.apache.spark.ml.PipelineModel";

    private PipelineColumns() {
    }

    /** The input columns of the pipeline saved in {@code directory}, in the order stages first read them; empty if unreadable. */
    static List<String> inputs(Path directory) {
        try {
            Set<String> inputs = new LinkedHashSet<>();
            collect(directory, inputs, new LinkedHashSet<>());
            return List.copyOf(inputs);
        } catch (RuntimeException | IOException e) {
            return List.of();
        }
    }

    private static void collect(Path directory, Set<String> inputs, Set<String> produced) throws IOException {
        StageMetadata metadata = MetadataReader.read(directory, "model at " + directory);
        if (!PIPELINE_MODEL.equals(metadata.className())) {
            Params params = new Params(metadata.paramMap(), metadata.defaultParamMap(), metadata.uid());
            for (String name : INPUT_PARAMS) {
                for (String column : columns(params, name)) {
                    if (!produced.contains(column)) {
                        inputs.add(column);
                    }
                }
            }
            metadata.paramMap().fieldNames().forEachRemaining(name -> addOutputs(params, name, produced));
            metadata.defaultParamMap().fieldNames().forEachRemaining(name -> addOutputs(params, name, produced));
            return;
        }
        Path stages = directory.resolve("stages");
        try (Stream<Path> list = Files.list(stages)) {
            // Spark names stage directories <index>_<uid>, the index zero-padded: name order is stage order.
            for (Path stage : list.filter(Files::isDirectory).sorted(Comparator.comparing(Path::toString)).toList()) {
                collect(stage, inputs, produced);
            }
        }
    }

    private static void addOutputs(Params params, String name, Set<String> produced) {
        if ((name.endsWith("Col") || name.endsWith("Cols")) && !INPUT_PARAMS.contains(name) && !TRAINING_PARAMS.contains(name)) {
            produced.addAll(columns(params, name));
        }
    }

    private static List<String> columns(Params params, String name) {
        List<String> columns = new ArrayList<>();
        params.find(name).ifPresent(value -> {
            if (value.isTextual()) {
                columns.add(value.asText());
            } else if (value.isArray()) {
                for (JsonNode element : value) {
                    columns.add(element.asText());
                }
            }
        });
        return columns;
    }
}
