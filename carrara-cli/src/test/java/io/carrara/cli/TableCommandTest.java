package io.carrara.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carrara table …}: its argument checks, which need no server, and its output, against a
 * stand-in that answers as docs/api.md says the server does.
 */
class TableCommandTest {
    private static final String COLUMNS = """
            [{"name": "city", "type": "string", "nullable": true, "partition": false},
             {"name": "execution_date", "type": "date", "nullable": true, "partition": true}]""";

    @TempDir
    Path work;

    private StandInServer server;

    @BeforeEach
    void start() throws IOException {
        server = new StandInServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void needsAFormatItCanTellOrIsTold() throws IOException {
        Path file = Files.writeString(work.resolve("trips.txt"), "city\nnyc\n");

        CommandResult unknown = BatchCommandTest.offline("table", "import", file.toString(), "--table", "ml.trips");
        CommandResult bad = BatchCommandTest.offline("table", "import", file.toString(), "--table", "ml.trips", "--format", "xml");
        CommandResult missing = BatchCommandTest.offline("table", "import", work.resolve("nope.csv").toString(), "--table", "ml.t");

        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("error: cannot tell the format of " + file
                + " from its name; pass --format csv or --format jsonl (field: format)\n");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Invalid value for option '--format': format 'xml' is not csv or jsonl");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.csv does not exist");
    }

    @Test
    void importsAndPrintsTheColumns() throws IOException {
        Path file = Files.writeString(work.resolve("trips.csv"), "city\nnyc\n");
        server.answer("POST /api/v1/tables/ml.trips/import", 201,
                "{\"table\": \"ml.trips\", \"rowsImported\": 1, \"rowsInTable\": 3, \"columns\": " + COLUMNS + "}");

        CommandResult result = carrara("table", "import", file.toString(), "--table", "ml.trips", "--schema-infer", "--append");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                imported 1 rows into ml.trips (3 rows in the table)
                column          type    nullable  partition
                city            string  yes       no
                execution_date  date    yes       yes
                """);
        assertThat(server.requests().get(0).pathAndQuery())
                .isEqualTo("/api/v1/tables/ml.trips/import?format=csv&inferSchema=true&append=true");
        assertThat(server.requests().get(0).body()).isEqualTo("city\nnyc\n");
    }

    @Test
    void exportsIntoAFile() throws IOException {
        server.answer("GET /api/v1/tables/ml.p/rows", 200, "{\"a\":1}\n{\"a\":2}\n", Map.of("X-Carrara-Rows", "2"));
        Path output = work.resolve("out.jsonl");

        CommandResult result = carrara("table", "export", "ml.p", "--output", output.toString(), "--where", "a > 0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("wrote 2 rows of ml.p to " + output + "\n");
        assertThat(Files.readString(output)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        assertThat(server.requests().get(0).pathAndQuery()).isEqualTo("/api/v1/tables/ml.p/rows?format=jsonl&where=a%20%3E%200");
    }

    @Test
    void describesATable() {
        server.answer("GET /api/v1/tables/ml.trips", 200, "{\"name\": \"ml.trips\", \"type\": \"MANAGED\", \"columns\": "
                + COLUMNS + ", \"partitionColumns\": [\"execution_date\"], \"rows\": 3}");

        CommandResult result = carrara("table", "describe", "ml.trips", "--count");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                name               ml.trips
                type               MANAGED
                partition_columns  execution_date
                rows               3

                column          type    nullable  partition
                city            string  yes       no
                execution_date  date    yes       yes
                """);
    }

    private CommandResult carrara(String... args) {
        List<String> all = new ArrayList<>(List.of("--server", server.uri().toString(), "--user", "alice"));
        all.addAll(List.of(args));
        return CommandResult.run(all.toArray(String[]::new));
    }
}
