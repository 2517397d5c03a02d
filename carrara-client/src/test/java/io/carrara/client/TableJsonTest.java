package io.carrara.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.table.ImportResult;
import io.carrara.api.table.TableColumn;
import io.carrara.api.table.TableDescription;
import io.carrara.api.table.TableSummary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The table objects of docs/api.md, read as the server writes them. */
class TableJsonTest {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Test
    void readsAnImportResult() throws Exception {
        ImportResult result = JSON.readValue("""
                {"table": "ml.trips", "rowsImported": 1000, "rowsInTable": 1000,
                 "columns": [{"name": "city", "type": "string", "nullable": true, "partition": false},
                             {"name": "distance_km", "type": "double", "nullable": false, "partition": false}]}
                """, ImportResult.class);

        assertThat(result.table()).isEqualTo("ml.trips");
        assertThat(result.rowsImported()).isEqualTo(1000);
        assertThat(result.rowsInTable()).isEqualTo(1000);
        assertThat(result.columns()).containsExactly(
                new TableColumn("city", "string", true, false),
                new TableColumn("distance_km", "double", false, false));
    }

    @Test
    void readsATableSummaryAndDescription() throws Exception {
        TableSummary summary = JSON.readValue("{\"name\": \"ml.trips\", \"type\": \"MANAGED\"}", TableSummary.class);
        TableDescription counted = JSON.readValue("""
                {"name": "ml.trips", "type": "MANAGED",
                 "columns": [{"name": "city", "type": "string", "nullable": true, "partition": false},
                             {"name": "execution_date", "type": "date", "nullable": true, "partition": true}],
                 "partitionColumns": ["execution_date"], "rows": 1000}
                """, TableDescription.class);
        TableDescription uncounted = JSON.readValue("""
                {"name": "ml.v", "type": "VIEW", "columns": [], "partitionColumns": [], "rows": null}
                """, TableDescription.class);

        assertThat(summary).isEqualTo(new TableSummary("ml.trips", "MANAGED"));
        assertThat(counted.columns()).extracting(TableColumn::name).containsExactly("city", "execution_date");
        assertThat(counted.columns().get(1).partition()).isTrue();
        assertThat(counted.partitionColumns()).containsExactly("execution_date");
        assertThat(counted.rows()).isEqualTo(1000L);
        assertThat(uncounted.rows()).isNull();
        assertThat(uncounted.columns()).isEmpty();
    }

    @Test
    void aMissingListReadsAsEmpty() throws Exception {
        TableDescription description = JSON.readValue("{\"name\": \"ml.t\", \"type\": \"MANAGED\"}", TableDescription.class);

        assertThat(description.columns()).isEmpty();
        assertThat(description.partitionColumns()).isEmpty();
    }

    @Test
    void tellsTheFormatFromTheFileName() {
        assertThat(TableFormat.ofFileName(Path.of("out/trips.CSV"))).contains(TableFormat.CSV);
        assertThat(TableFormat.ofFileName(Path.of("trips.jsonl"))).contains(TableFormat.JSONL);
        assertThat(TableFormat.ofFileName(Path.of("trips.ndjson"))).contains(TableFormat.JSONL);
        assertThat(TableFormat.ofFileName(Path.of("trips.parquet"))).isEmpty();
        assertThat(TableFormat.fromWireName("JSONL")).isEqualTo(TableFormat.JSONL);
    }
}
