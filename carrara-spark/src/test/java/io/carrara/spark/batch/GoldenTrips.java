package io.carrara.spark.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The golden trips rows carrara-pipeline keeps (Spark 4.1's saves and outputs), as files to import:
 * the inputs as CSV or JSON Lines, and Spark's output for each row (absent when Spark skipped it).
 */
public final class GoldenTrips {
    public static final String LOGISTIC_REGRESSION = "trips-logistic-regression";
    private static final Path GOLDEN = Path.of("..", "carrara-pipeline", "src", "test", "resources", "golden", "spark-4.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenTrips() {
    }

    public static Path model(String name) {
        return GOLDEN.resolve(name).resolve("model").toAbsolutePath();
    }

    /** One golden row: the input as JSON, and Spark's output (null when Spark's skip stage dropped the row). */
    public record Case(ObjectNode input, JsonNode output) {
        public int id() {
            return input.get("id").asInt();
        }
    }

    public static List<Case> cases(String name) {
        try {
            List<Case> cases = new ArrayList<>();
            for (String line : Files.readAllLines(GOLDEN.resolve(name).resolve("expected.jsonl"))) {
                if (!line.isBlank()) {
                    JsonNode node = JSON.readTree(line);
                    cases.add(new Case((ObjectNode) node.get("input"), node.get("output")));
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the inputs as CSV with a header; nulls as empty fields. The trips strings need no quoting. */
    public static Path writeCsv(String name, Path file) {
        List<Case> cases = cases(name);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>();
            cases.get(0).input().fieldNames().forEachRemaining(header::add);
            writer.write(String.join(",", header) + "\n");
            for (Case golden : cases) {
                List<String> values = new ArrayList<>();
                for (Iterator<JsonNode> fields = golden.input().elements(); fields.hasNext(); ) {
                    JsonNode value = fields.next();
                    values.add(value.isNull() ? "" : value.asText());
                }
                writer.write(String.join(",", values) + "\n");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the inputs as JSON Lines, one object per row. */
    public static Path writeJsonLines(String name, Path file) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Case golden : cases(name)) {
                writer.write(JSON.writeValueAsString(golden.input()) + "\n");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
