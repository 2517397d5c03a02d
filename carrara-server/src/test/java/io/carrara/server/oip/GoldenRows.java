package io.carrara.server.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.OptionalInt;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A golden case's rows: Spark's input and, for rows Spark did not skip, Spark's output. */
record GoldenRows(List<JsonNode> inputs, List<JsonNode> outputs) {
    static final double TOLERANCE = 1e-9;
    /** carrara-pipeline's golden cases written by Spark 4.1: a model directory, its input schema and expected rows each. */
    static final Path GOLDEN = locateGolden();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A golden case's input schema, as Spark saw it (input-schema.json). */
    static Schema inputSchema(String golden) {
        try {
            List<Field> fields = new ArrayList<>();
            for (JsonNode field : JSON.readTree(GOLDEN.resolve(golden).resolve("input-schema.json").toFile())) {
                OptionalInt size = field.has("vectorSize") ? OptionalInt.of(field.get("vectorSize").asInt()) : OptionalInt.empty();
                fields.add(new Field(field.get("name").asText(), DataType.valueOf(field.get("type").asText()), size));
            }
            return new Schema(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locateGolden() {
        // Surefire runs in the module directory; the golden models live in carrara-pipeline's test resources.
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return module.resolveSibling("carrara-pipeline").resolve("src/test/resources/golden/spark-4.1.0").toAbsolutePath();
    }

    /** The rows Spark scored and that {@code keep} accepts, in file order. */
    static GoldenRows scored(String golden, Predicate<JsonNode> keep) {
        List<JsonNode> inputs = new ArrayList<>();
        List<JsonNode> outputs = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(GOLDEN.resolve(golden).resolve("expected.jsonl"))) {
                JsonNode node = JSON.readTree(line);
                if (node.has("output") && keep.test(node.get("input"))) {
                    inputs.add(node.get("input"));
                    outputs.add(node.get("output"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GoldenRows(inputs, outputs);
    }

    /** Rows with no null input, which typed gRPC contents cannot carry. */
    static boolean complete(JsonNode input) {
        for (JsonNode value : input) {
            if (value.isNull()) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return inputs.size();
    }

    /** Spark's values of an output column, flattened row-major, with the inner dimension (0 for a scalar column). */
    double[] expected(String column) {
        List<Double> values = new ArrayList<>();
        for (JsonNode output : outputs) {
            JsonNode value = output.get(column);
            if (value.isArray()) {
                value.forEach(element -> values.add(number(element)));
            } else {
                values.add(number(value));
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    int width(String column) {
        JsonNode value = outputs.get(0).get(column);
        return value.isArray() ? value.size() : 0;
    }

    /** Asserts an output tensor's values equal Spark's within {@link #TOLERANCE}, relative. */
    void assertMatches(String column, List<Long> shape, double[] actual) {
        int width = width(column);
        assertThat(shape).as("shape of %s", column)
                .isEqualTo(width == 0 ? List.of((long) size()) : List.of((long) size(), (long) width));
        double[] expected = expected(column);
        assertThat(actual).as("values of %s", column).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = TOLERANCE * Math.max(1.0, Math.abs(expected[i]));
            assertThat(actual[i]).as("%s element %d", column, i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tolerance));
        }
    }

    private static double number(JsonNode value) {
        return value.isTextual() ? Double.parseDouble(value.asText()) : value.asDouble();
    }
}
