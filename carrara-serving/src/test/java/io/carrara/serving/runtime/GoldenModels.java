package io.carrara.serving.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.json.JsonRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The Spark 4.1 pipelines carrara-pipeline keeps as golden files, with Spark's output for each input row. */
public final class GoldenModels {
    private static final Path GOLDEN = Path.of("..", "carrara-pipeline", "src", "test", "resources", "golden", "spark-4.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String TRIPS_LR = "trips-logistic-regression";
    public static final String TRIPS_GBT = "trips-gradient-boosted-trees";

    private GoldenModels() {}

    /** The directory Spark's {@code PipelineModel.save()} wrote. */
    public static Path model(String name) {
        return GOLDEN.resolve(name).resolve("model");
    }

    /** One golden row: the input as the server receives it, and Spark's output (absent when Spark skipped the row). */
    public record Case(Map<String, Object> input, JsonNode output) {
        public boolean skipped() {
            return output == null;
        }
    }

    public static List<Case> cases(String name) {
        try {
            return Files.readAllLines(GOLDEN.resolve(name).resolve("expected.jsonl")).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> {
                        try {
                            JsonNode node = JSON.readTree(line);
                            return new Case(JsonRows.toRow((ObjectNode) node.get("input"), Map.of()),
                                    node.has("skipped") ? null : node.get("output"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every golden input row of {@code name} as CSV with a header row, plus a last column
     * {@code extraColumn} whose value for the row at {@code index} is {@code extraValue.apply(index)}
     * (e.g. a date spreading the rows over days). Nulls are empty fields.
     */
    public static String inputsCsv(String name, String extraColumn, java.util.function.IntFunction<String> extraValue) {
        List<Map<String, Object>> inputs = cases(name).stream().map(Case::input).toList();
        List<String> columns = new java.util.ArrayList<>(inputs.get(0).keySet());
        StringBuilder csv = new StringBuilder(String.join(",", columns)).append(',').append(extraColumn).append('\n');
        for (int i = 0; i < inputs.size(); i++) {
            Map<String, Object> row = inputs.get(i);
            for (String column : columns) {
                csv.append(row.get(column) == null ? "" : row.get(column).toString()).append(',');
            }
            csv.append(extraValue.apply(i)).append('\n');
        }
        return csv.toString();
    }

    /** The first golden input rows Spark scored. */
    public static List<Map<String, Object>> scoredInputs(String name, int count) {
        return cases(name).stream().filter(c -> !c.skipped()).limit(count).map(Case::input).toList();
    }
}
