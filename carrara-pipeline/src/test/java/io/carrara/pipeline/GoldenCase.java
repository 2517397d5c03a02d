package io.carrara.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A golden model written by Spark (see carrara-spark's GoldenModelsTest): {@code model/}, the
 * input schema, and for each input row Spark's output or that Spark skipped it.
 */
public record GoldenCase(String name, Path directory) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static GoldenCase of(String sparkVersion, String name) {
        try {
            Path root = Path.of(GoldenCase.class.getResource("/golden").toURI());
            return new GoldenCase(sparkVersion + "/" + name, root.resolve("spark-" + sparkVersion).resolve(name));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case of every Spark version under {@code /golden}. */
    public static List<GoldenCase> all() {
        try {
            Path root = Path.of(GoldenCase.class.getResource("/golden").toURI());
            List<GoldenCase> cases = new ArrayList<>();
            try (Stream<Path> versions = Files.list(root)) {
                for (Path version : versions.sorted().toList()) {
                    try (Stream<Path> names = Files.list(version)) {
                        names.sorted().forEach(dir -> cases.add(new GoldenCase(version.getFileName() + "/" + dir.getFileName(), dir)));
                    }
                }
            }
            return cases;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path model() {
        return directory.resolve("model");
    }

    public Schema inputSchema() {
        List<Field> fields = new ArrayList<>();
        for (JsonNode field : read(directory.resolve("input-schema.json"))) {
            OptionalInt size = field.has("vectorSize") ? OptionalInt.of(field.get("vectorSize").asInt()) : OptionalInt.empty();
            fields.add(new Field(field.get("name").asText(), DataType.valueOf(field.get("type").asText()), size));
        }
        return new Schema(fields);
    }

    /** Input rows as the Map API takes them, each with Spark's output (null when Spark skipped the row). */
    public List<Expected> rows() {
        Schema schema = inputSchema();
        List<Expected> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(directory.resolve("expected.jsonl"))) {
                JsonNode node = JSON.readTree(line);
                Map<String, Object> input = new LinkedHashMap<>();
                for (Field field : schema.fields()) {
                    input.put(field.name(), toValue(node.get("input").get(field.name()), field.type()));
                }
                rows.add(new Expected(input, node.has("output") ? node.get("output") : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** A writable copy of the model directory, for tests that edit a save. */
    public Path copyModelTo(Path target) {
        try (Stream<Path> files = Files.walk(model())) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path destination = target.resolve(model().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Object toValue(JsonNode value, DataType type) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (type) {
            case STRING -> value.asText();
            case BOOLEAN -> value.asBoolean();
            case INTEGER -> value.asInt();
            case SHORT -> (short) value.asInt();
            case BYTE -> (byte) value.asInt();
            case LONG -> value.asLong();
            case VECTOR, DOUBLE_ARRAY -> {
                List<Double> values = new ArrayList<>();
                for (Iterator<JsonNode> it = value.elements(); it.hasNext(); ) {
                    values.add(toDouble(it.next()));
                }
                yield values;
            }
            case STRING_ARRAY -> {
                List<String> values = new ArrayList<>();
                value.elements().forEachRemaining(element -> values.add(element.asText()));
                yield values;
            }
            default -> toDouble(value);
        };
    }

    public static double toDouble(JsonNode value) {
        return value.isTextual() ? Double.parseDouble(value.asText()) : value.asDouble();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public record Expected(Map<String, Object> input, JsonNode output) {
    }

    @Override
    public String toString() {
        return name;
    }
}
