package io.carrara.monitoring.skew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SkewComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void valuesAgreeByTypeWithinTheTolerance() {
        SkewComparison skew = new SkewComparison(1e-9, 5);
        assertThat(skew.difference(json("3"), json("3.0"))).isZero();
        assertThat(skew.difference(json("1e6"), json("1000000.0000001"))).isZero();            // within 1e-9 relative
        assertThat(skew.difference(json("0.5"), json("0.75"))).isEqualTo(0.25);
        assertThat(skew.difference(json("\"3\""), json("3"))).isZero();                         // a CSV column typed as text
        assertThat(skew.difference(json("\"nyc\""), json("\"sf\""))).isNaN();
        assertThat(skew.difference(json("true"), json("true"))).isZero();
        assertThat(skew.difference(json("null"), null)).isZero();
        assertThat(skew.difference(json("null"), json("1"))).isNaN();
        assertThat(skew.difference(json("[0.2, 0.8]"), json("[0.2, 0.8000000000001]"))).isZero();
        assertThat(skew.difference(json("[0.2, 0.8]"), json("[0.3, 0.7]"))).isCloseTo(0.1, within(1e-12));
        assertThat(skew.difference(json("[0.2, 0.8]"), json("[0.2]"))).isNaN();
        assertThat(skew.difference(json("{\"a\": 1}"), json("{\"a\": 1}"))).isZero();
        assertThatThrownBy(() -> new SkewComparison(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SkewComparison(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countsKeysAndRanksColumnsByMismatchRate() {
        SkewComparison skew = new SkewComparison(1e-9, 2);
        for (int i = 0; i < 8; i++) {
            // Key 0 is logged twice: the later one counts.
            skew.online("k" + i, json("{\"id\": " + i + ", \"distance\": " + i + ".5, \"city\": \"nyc\"}"),
                    json("{\"prediction\": 1.0, \"probability\": [0.25, 0.75]}"));
        }
        skew.online("k0", json("{\"id\": 0, \"distance\": 100.5, \"city\": \"nyc\"}"), json("{\"prediction\": 1.0, \"probability\": [0.25, 0.75]}"));
        skew.online("only-online", json("{\"id\": 99}"), json("{\"prediction\": 0.0}"));
        for (int i = 0; i < 8; i++) {
            // The batch used distances 0.5 longer for keys 0 to 3 (key 0: its later online row is 100.5), another city for key 7.
            double distance = i < 4 ? i + 1.0 : i + 0.5;
            skew.batch("k" + i, json("{\"id\": " + i + ", \"distance\": " + distance + ", \"city\": \"" + (i == 7 ? "sf" : "nyc")
                    + "\", \"prediction\": 1.0, \"probability\": [0.25, 0.75], \"execution_date\": \"2026-11-01\"}"));
        }
        skew.batch("k1", json("{\"id\": 1}"));           // a second row of k1: counted, not compared
        skew.batch("only-batch", json("{\"id\": 100}"));

        SkewReport report = skew.report();
        assertThat(report.onlineRows()).isEqualTo(10);
        assertThat(report.onlineKeys()).isEqualTo(9);
        assertThat(report.batchRows()).isEqualTo(10);
        assertThat(report.batchKeys()).isEqualTo(9);
        assertThat(report.matchedKeys()).isEqualTo(8);
        assertThat(report.onlineOnlyKeys()).isEqualTo(1);
        assertThat(report.batchOnlyKeys()).isEqualTo(1);
        assertThat(report.duplicateBatchRows()).isEqualTo(1);
        Map<String, SkewReport.ColumnSkew> columns = report.columns().stream()
                .collect(Collectors.toMap(SkewReport.ColumnSkew::name, Function.identity()));
        assertThat(report.columns().get(0).name()).isEqualTo("distance");
        SkewReport.ColumnSkew distance = columns.get("distance");
        assertThat(distance.side()).isEqualTo("input");
        assertThat(distance.compared()).isEqualTo(8);
        assertThat(distance.mismatches()).isEqualTo(4);
        assertThat(distance.mismatchRate()).isEqualTo(0.5);
        assertThat(distance.maxDifference()).isEqualTo(99.5);
        assertThat(distance.largest()).extracting(SkewReport.Difference::key).containsExactly("k0", "k1");   // ties (0.5) by key
        assertThat(columns.get("city").mismatchRate()).isEqualTo(0.125);
        assertThat(columns.get("city").maxDifference()).isNull();
        assertThat(columns.get("city").largest()).extracting(SkewReport.Difference::key).containsExactly("k7");
        assertThat(columns.get("prediction").side()).isEqualTo("output");
        assertThat(columns.get("prediction").mismatches()).isZero();
        assertThat(columns.get("probability").mismatches()).isZero();
        assertThat(columns).doesNotContainKey("execution_date");
    }

    @Test
    void aColumnTheBatchTableLacksIsCountedAsAbsent() {
        SkewComparison skew = new SkewComparison(0, 3);
        skew.online("a", json("{\"x\": 1, \"y\": 2}"), json("{\"prediction\": 1}"));
        skew.batch("a", json("{\"x\": 1, \"prediction\": 1}"));
        SkewReport.ColumnSkew y = skew.report().columns().stream().filter(column -> column.name().equals("y")).findFirst().orElseThrow();
        assertThat(y.compared()).isZero();
        assertThat(y.absent()).isEqualTo(1);
        assertThat(y.mismatchRate()).isZero();
    }
}
