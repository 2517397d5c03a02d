package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code carrara score} on the golden models carrara-pipeline keeps: pipelines saved by Spark 4.1
 * and 3.5 with the rows Spark's {@code transform} gave, so the command's output is held to Spark's.
 */
class ScoreCommandTest {
    /** Written by carrara-spark's GoldenModelsTest; see carrara-pipeline/src/test/resources/golden. */
    private static final Path GOLDEN = Path.of("..", "carrara-pipeline", "src", "test", "resources", "golden");
    private static final Path TRIPS_LR = GOLDEN.resolve("spark-4.1.0").resolve("trips-logistic-regression");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "spark-4.1.0, trips-logistic-regression",
        "spark-4.1.0, trips-gradient-boosted-trees",
        "spark-3.5.6, trips-logistic-regression",
        "spark-3.5.6, trips-gradient-boosted-trees",
        "spark-3.5.6, trips-random-forest-text",
        "spark-4.1.0, trips-fare-regression-clustering"
    })
    void printsWhatSparkGaveForEveryRowItKept(String sparkVersion, String name) throws IOException {
        Path golden = GOLDEN.resolve(sparkVersion).resolve(name);
        List<JsonNode> cases = readLines(golden.resolve("expected.jsonl"));
        Path input = writeLines("input.jsonl", cases.stream().map(line -> line.get("input")).toList());
        Path output = work.resolve("scored.jsonl");

        CommandResult result = CommandResult.run("score", "--model", golden.resolve("model").toString(),
                "--input", input.toString(), "--output", output.toString());

        List<JsonNode> expected = cases.stream().filter(line -> !line.has("skipped")).map(line -> line.get("output")).toList();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("scored " + expected.size() + " rows, skipped " + (cases.size() - expected.size())
                + ", failed 0; wrote " + output + "\n");
        List<JsonNode> scored = readLines(output);
        assertThat(scored).hasSameSizeAs(expected);
        for (int i = 0; i < scored.size(); i++) {
            assertSameRow(scored.get(i), expected.get(i), "row " + i);
        }
        assertThat(cases.size()).as("the golden case has skipped rows to leave out").isGreaterThan(expected.size());
    }

    @Test
    void reportsFailedRowsWithTheirLineAndScoresTheRest() throws IOException {
        List<JsonNode> cases = readLines(TRIPS_LR.resolve("expected.jsonl"));
        List<JsonNode> good = cases.stream().filter(line -> !line.has("skipped")).limit(2).toList();
        ObjectNode wrongType = good.get(0).get("input").<ObjectNode>deepCopy().put("distance", "far");
        Path input = work.resolve("input.jsonl");
        Files.writeString(input, good.get(0).get("input") + "\n\n" + wrongType + "\n{\"id\": \n" + "[1, 2]\n"
                + good.get(1).get("input") + "\n");

        CommandResult result = CommandResult.run("score", "--model", TRIPS_LR.resolve("model").toString(), "--input", input.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        List<String> errors = result.err().lines().toList();
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).startsWith("line 3: ").contains("column distance expects a number").endsWith("(column: distance)");
        assertThat(errors.get(1)).startsWith("line 4: not valid JSON");
        assertThat(errors.get(2)).isEqualTo("line 5: not a JSON object; each line holds one row as {\"column\": value, ...}");
        assertThat(errors.get(3)).isEqualTo("scored 2 rows, skipped 0, failed 3");
        List<JsonNode> scored = result.out().lines().map(ScoreCommandTest::parse).toList();
        assertThat(scored).hasSize(2);
        assertSameRow(scored.get(0), good.get(0).get("output"), "first row");
        assertSameRow(scored.get(1), good.get(1).get("output"), "last row");
    }

    @Test
    void explainsAFieldOfTwoTypesWhenTheFirstDoesNotFit() throws IOException {
        ObjectNode row = readLines(TRIPS_LR.resolve("expected.jsonl")).get(0).get("input").deepCopy();
        ObjectNode number = row.deepCopy();
        row.put("distance", "far");
        Path input = writeLines("input.jsonl", List.of(row, number));

        CommandResult result = CommandResult.run("score", "--model", TRIPS_LR.resolve("model").toString(), "--input", input.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("error: stage 2 (").contains("input column 'distance' is STRING")
                .endsWith("; field 'distance' is a string on line 1 and a number on line 2 (the first type was taken):"
                        + " declare the types with --schema\n");
    }

    @Test
    void namesTheMissingColumnWhenTheRowsDoNotFitThePipeline() throws IOException {
        Path input = writeLines("input.jsonl", List.of(JSON.createObjectNode().put("city", "nyc")));

        CommandResult result = CommandResult.run("score", "--model", TRIPS_LR.resolve("model").toString(), "--input", input.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        // Spark's StringIndexerModel passes over a missing input column; the encoder after it cannot.
        assertThat(result.err()).startsWith("error: stage 1 (").contains("input column 'vendor_index' does not exist");
    }

    @Test
    void declaredTypesOverrideWhatTheRowsSuggest() throws IOException {
        ObjectNode row = readLines(TRIPS_LR.resolve("expected.jsonl")).get(0).get("input").deepCopy();
        row.putNull("distance");
        Path input = writeLines("input.jsonl", List.of(row));
        String model = TRIPS_LR.resolve("model").toString();

        CommandResult inferred = CommandResult.run("score", "--model", model, "--input", input.toString());
        CommandResult declared = CommandResult.run("score", "--model", model, "--input", input.toString(), "--schema", "distance double");
        CommandResult badSchema = CommandResult.run("score", "--model", model, "--input", input.toString(), "--schema", "distance decimal");

        assertThat(inferred.exitCode()).isEqualTo(1);
        assertThat(inferred.err()).contains("the fields [distance] are null in every row and were read as strings"
                + ": declare the types with --schema");
        // The assembler skips rows with nulls, as Spark would.
        assertThat(declared.exitCode()).as(declared.toString()).isZero();
        assertThat(declared.err()).isEqualTo("scored 0 rows, skipped 1, failed 0\n");
        assertThat(badSchema.exitCode()).isEqualTo(1);
        assertThat(badSchema.err()).startsWith("error: --schema type 'decimal' of column distance is not one of string, double");
    }

    @Test
    void explainsAMissingModelOrInput() throws IOException {
        Path input = writeLines("input.jsonl", List.of(JSON.createObjectNode().put("city", "nyc")));

        CommandResult noModel = CommandResult.run("score", "--model", work.resolve("nowhere").toString(), "--input", input.toString());
        CommandResult noInput = CommandResult.run("score", "--model", TRIPS_LR.resolve("model").toString(), "--input",
                work.resolve("missing.jsonl").toString());

        assertThat(noModel.exitCode()).isEqualTo(1);
        assertThat(noModel.err()).startsWith("error: model directory ").contains("does not exist");
        assertThat(noInput.exitCode()).isEqualTo(1);
        assertThat(noInput.err()).isEqualTo("error: no such file " + work.resolve("missing.jsonl") + "; check the path\n");
        assertThat(Files.list(work).toList()).containsExactly(input);
    }

    @Test
    void helpDescribesTheFormats() {
        CommandResult result = CommandResult.run("score", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--model=DIR", "--input=FILE", "--output=FILE", "--schema=COLUMNS", "\"NaN\"");
    }

    /** Same fields in the same order; numbers within 1e-9 relative, everything else exactly. */
    private static void assertSameRow(JsonNode actual, JsonNode expected, String description) {
        List<String> actualNames = new ArrayList<>();
        actual.fieldNames().forEachRemaining(actualNames::add);
        List<String> expectedNames = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedNames::add);
        assertThat(actualNames).as(description).isEqualTo(expectedNames);
        Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertSameValue(actual.get(field.getKey()), field.getValue(), description + " column " + field.getKey());
        }
    }

    private static void assertSameValue(JsonNode actual, JsonNode expected, String description) {
        if (expected.isArray()) {
            assertThat(actual.isArray()).as(description).isTrue();
            assertThat(actual.size()).as(description).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSameValue(actual.get(i), expected.get(i), description + "[" + i + "]");
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            double want = expected.doubleValue();
            double got = actual.doubleValue();
            assertThat(Math.abs(got - want)).as(description + ": " + got + " vs " + want)
                    .isLessThanOrEqualTo(Math.max(1e-12, 1e-9 * Math.abs(want)));
        } else {
            assertThat(actual).as(description).isEqualTo(expected);
        }
    }

    private Path writeLines(String name, List<JsonNode> rows) throws IOException {
        Path file = work.resolve(name);
        StringBuilder text = new StringBuilder();
        for (JsonNode row : rows) {
            text.append(JSON.writeValueAsString(row)).append('\n');
        }
        Files.writeString(file, text);
        return file;
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(ScoreCommandTest::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
