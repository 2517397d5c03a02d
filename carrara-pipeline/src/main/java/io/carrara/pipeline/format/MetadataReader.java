package io.carrara.pipeline.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code <dir>/metadata/}: Spark 3.x saves it with {@code saveAsTextFile} as
 * {@code part-00000}, Spark 4.x with the text data source as {@code part-00000-<uuid>-c000.txt}.
 * Either way the first line of the first non-empty part file is the JSON object.
 */
public final class MetadataReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetadataReader() {
    }

    /**
     * The metadata of the model saved in {@code directory}, as its own root; for callers that
     * only read the top-level metadata.
     */
    public static StageMetadata read(Path directory, String context) {
        ModelDirectory model = ModelDirectory.of(directory);
        return read(model, model.root(), context);
    }

    /** The metadata of the stage saved in {@code stageDirectory}, a directory of {@code model}. */
    public static StageMetadata read(ModelDirectory model, Path stageDirectory, String context) {
        Path metadataDirectory = model.resolve(stageDirectory, "metadata", context);
        String line = firstLine(model, metadataDirectory, context);
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                    "metadata in " + model.describe(metadataDirectory) + " is not JSON: " + e.getMessage(), e);
        }
        String className = text(json, "class", model.describe(metadataDirectory), context);
        String uid = text(json, "uid", model.describe(metadataDirectory), context);
        String sparkVersion = text(json, "sparkVersion", model.describe(metadataDirectory), context);
        long timestamp = json.path("timestamp").asLong(0L);
        JsonNode paramMap = json.has("paramMap") ? json.get("paramMap") : JsonNodeFactory.instance.objectNode();
        // Spark before 2.4 wrote no defaultParamMap; those saves predate what we support but
        // still read, with defaults coming from each loader.
        JsonNode defaults = json.has("defaultParamMap") ? json.get("defaultParamMap") : JsonNodeFactory.instance.objectNode();
        return new StageMetadata(className, uid, sparkVersion, timestamp, paramMap, defaults, json);
    }

    /**
     * The JSON line of a text directory of {@code model} written the same way, for the older
     * mllib models some ml stages nest (e.g. BisectingKMeans' {@code data/metadata}), which have
     * no uid or Spark version.
     */
    public static JsonNode readJson(ModelDirectory model, Path textDirectory, String context) {
        String line = firstLine(model, textDirectory, context);
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                    model.describe(textDirectory) + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode json, String field, String directory, String context) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                    "metadata in " + directory + " has no \"" + field + "\"; is this a directory written by Spark ML's save()?");
        }
        return value.asText();
    }

    private static String firstLine(ModelDirectory model, Path metadataDirectory, String context) {
        if (!Files.isDirectory(metadataDirectory)) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context, "no metadata directory at "
                    + model.describe(metadataDirectory) + "; point at the directory PipelineModel.save() or a model's save() wrote");
        }
        List<Path> parts;
        try (Stream<Path> files = Files.list(metadataDirectory)) {
            parts = files.filter(file -> file.getFileName().toString().startsWith("part-")).sorted().toList();
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                    "cannot list " + model.describe(metadataDirectory) + ": " + model.reason(e), e);
        }
        for (Path listed : parts) {
            Path part = model.resolve(metadataDirectory, listed.getFileName().toString(), context);
            try (BufferedReader reader = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                String line = reader.readLine();
                if (line != null && !line.isBlank()) {
                    return line;
                }
            } catch (IOException e) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                        "cannot read " + model.describe(part) + ": " + model.reason(e), e);
            }
        }
        throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, context,
                "no metadata line in any part file of " + model.describe(metadataDirectory));
    }
}
