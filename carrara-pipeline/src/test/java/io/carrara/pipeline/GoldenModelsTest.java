package io.carrara.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.Field;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden save scores, without Spark, to what Spark's transform wrote next to it. */
class GoldenModelsTest {
    static java.util.List<GoldenCase> cases() {
        return GoldenCase.all();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scoresLikeSpark(GoldenCase golden) {
        CompiledPipeline pipeline = SparkPipeline.load(golden.model()).compile(golden.inputSchema());
        int scored = 0;
        for (GoldenCase.Expected row : golden.rows()) {
            Optional<Map<String, Object>> ours = pipeline.score(row.input());
            if (row.output() == null) {
                assertThat(ours).as("row Spark skipped: %s", row.input()).isEmpty();
                continue;
            }
            assertThat(ours).as("row Spark scored: %s", row.input()).isPresent();
            for (Field field : pipeline.addedFields()) {
                assertMatches(field, row.output().get(field.name()), ours.get().get(field.name()));
            }
            scored++;
        }
        assertThat(scored).isPositive();
    }

    private static void assertMatches(Field field, JsonNode expected, Object actual) {
        if (expected == null || expected.isNull()) {
            assertThat(actual).as(field.name()).isNull();
        } else if (expected.isArray() && actual instanceof java.util.List<?> strings) {
            java.util.List<String> values = new java.util.ArrayList<>();
            expected.forEach(element -> values.add(element.asText()));
            assertThat(strings).as(field.name()).isEqualTo(values);
        } else if (expected.isArray()) {
            Vector vector = (Vector) actual;
            assertThat(vector.size()).as(field.name()).isEqualTo(expected.size());
            for (int i = 0; i < vector.size(); i++) {
                assertClose(field.name() + "[" + i + "]", GoldenCase.toDouble(expected.get(i)), vector.get(i));
            }
        } else if (expected.isNumber() || expected.isTextual() && actual instanceof Double) {
            assertClose(field.name(), GoldenCase.toDouble(expected), ((Number) actual).doubleValue());
        } else {
            assertThat(String.valueOf(actual)).as(field.name()).isEqualTo(expected.asText());
        }
    }

    private static void assertClose(String what, double expected, double actual) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else {
            assertThat(actual).as(what).isCloseTo(expected, within(Math.max(1e-12, 1e-9 * Math.abs(expected))));
        }
    }
}
