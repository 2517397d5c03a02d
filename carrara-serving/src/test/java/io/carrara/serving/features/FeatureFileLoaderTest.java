package io.carrara.serving.features;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.serving.features.FeatureLoadReport.LineError;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureFileLoaderTest {
    @TempDir
    Path directory;

    private FeatureStore store;
    private FeatureFileLoader loader;

    @BeforeEach
    void open() {
        store = EmbeddedFeatureStore.open(directory);
        loader = new FeatureFileLoader(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void loadsJsonLinesAndReportsEveryBadLineWithItsNumber() {
        String input = String.join("\n",
                "{\"driver_id\": \"d1\", \"trips_7d\": 12, \"rating\": 4.8, \"tags\": [\"a\"]}",
                "",
                "{\"driver_id\": 2, \"trips_7d\": 3}",
                "{not json",
                "{\"trips_7d\": 1}",
                "{\"driver_id\": \"d3\", \"nested\": {\"a\": 1}}",
                "[1, 2]",
                "{\"driver_id\": \"d1\", \"rating\": null, \"tier\": \"gold\"}",
                "{\"driver_id\": \"d4\", \"bad name\": 1}") + "\n";

        FeatureLoadReport report = load("jsonl", input);

        assertThat(report.loaded()).isEqualTo(3);
        assertThat(report.failed()).isEqualTo(5);
        assertThat(report.errorsTruncated()).isFalse();
        assertThat(report.errors()).extracting(LineError::line).containsExactly(4L, 5L, 6L, 7L, 9L);
        assertThat(report.errors()).extracting(LineError::field)
                .containsExactly(null, "driver_id", "nested", null, "bad name");
        assertThat(report.errors().get(0).message()).contains("not valid JSON");
        assertThat(report.errors().get(1).message()).contains("driver_id is missing");
        assertThat(report.errors().get(3).message()).contains("one JSON object");
        assertThat(store.get("driver_stats", "d1", List.of()))
                .isEqualTo(Map.of("trips_7d", 12L, "tags", List.of("a"), "tier", "gold"));
        assertThat(store.get("driver_stats", "2", List.of())).isEqualTo(Map.of("trips_7d", 3L));
    }

    @Test
    void loadsCsvWithTypedCellsAndLineNumbers() {
        String input = String.join("\n",
                "driver_id,trips_7d,rating,tier,zip,active,history",
                "d1,12,4.8,gold,007,true,\"[1,2]\"",
                "d2,,1e3,\"multi",
                "line\",,false,",
                "d3,1,2",
                ",1,2,3,4,5,6",
                "d4,99999999999999999999,0.5,x,y,z,[1") + "\n";

        FeatureLoadReport report = load("csv", input);

        assertThat(report.loaded()).isEqualTo(3);
        assertThat(report.failed()).isEqualTo(2);
        assertThat(report.errors()).extracting(LineError::line).containsExactly(5L, 6L);
        assertThat(report.errors().get(0).message()).contains("3 cells but the header has 7");
        assertThat(report.errors().get(1).field()).isEqualTo("driver_id");
        assertThat(store.get("driver_stats", "d1", List.of())).isEqualTo(Map.of("trips_7d", 12L, "rating", 4.8,
                "tier", "gold", "zip", "007", "active", true, "history", List.of(1L, 2L)));
        assertThat(store.get("driver_stats", "d2", List.of()))
                .isEqualTo(Map.of("rating", 1000.0, "tier", "multi\nline", "active", false));
        assertThat(store.get("driver_stats", "d4", List.of()).get("trips_7d")).isEqualTo(1e20);
        assertThat(store.get("driver_stats", "d4", List.of()).get("history")).isEqualTo("[1");
    }

    @Test
    void csvHeaderWithoutTheKeyColumnIsRefusedNamingKey() {
        AbstractFeatureStoreTest.assertInvalid(() -> load("csv", "id,trips_7d\nd1,1\n"), "key");
        AbstractFeatureStoreTest.assertInvalid(() -> load("csv", "driver_id,bad name\nd1,1\n"), "header");
        AbstractFeatureStoreTest.assertInvalid(() -> load("csv", "driver_id,a,a\nd1,1,2\n"), "header");
        AbstractFeatureStoreTest.assertInvalid(() -> load("csv", ""), "body");
        AbstractFeatureStoreTest.assertInvalid(
                () -> loader.load("driver_stats", "", FeatureFileFormat.CSV, stream("x\n")), "key");
        AbstractFeatureStoreTest.assertInvalid(() -> FeatureFileFormat.fromWireName("xml", "format"), "format");
    }

    @Test
    void loadsManyRowsInBatchesAndCapsTheListedErrors() {
        StringBuilder input = new StringBuilder();
        int rows = FeatureFileLoader.BATCH_SIZE * 2 + 17;
        for (int i = 0; i < rows; i++) {
            input.append("{\"driver_id\": \"d").append(i).append("\", \"n\": ").append(i).append("}\n");
        }
        for (int i = 0; i < FeatureFileLoader.MAX_REPORTED_ERRORS + 5; i++) {
            input.append("oops\n");
        }

        FeatureLoadReport report = load("jsonl", input.toString());

        assertThat(report.loaded()).isEqualTo(rows);
        assertThat(report.failed()).isEqualTo(FeatureFileLoader.MAX_REPORTED_ERRORS + 5);
        assertThat(report.errors()).hasSize(FeatureFileLoader.MAX_REPORTED_ERRORS);
        assertThat(report.errorsTruncated()).isTrue();
        assertThat(report.errors().get(0).line()).isEqualTo(rows + 1);
        assertThat(store.get("driver_stats", "d" + (rows - 1), List.of())).isEqualTo(Map.of("n", (long) rows - 1));
    }

    @Test
    void anUnclosedQuoteStopsTheCsvAtItsLine() {
        FeatureLoadReport report = load("csv", "driver_id,tier\nd1,gold\nd2,\"open\nd3,x\n");

        assertThat(report.loaded()).isEqualTo(1);
        assertThat(report.failed()).isEqualTo(1);
        assertThat(report.errors().get(0).message()).contains("cannot be read");
    }

    private FeatureLoadReport load(String format, String input) {
        return loader.load("driver_stats", "driver_id", FeatureFileFormat.fromWireName(format, "format"), stream(input));
    }

    private static ByteArrayInputStream stream(String input) {
        return new ByteArrayInputStream(input.getBytes(UTF_8));
    }
}
