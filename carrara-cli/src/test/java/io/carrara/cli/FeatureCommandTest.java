package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.server.CarraraServer;
import io.carrara.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code carrara features …} in-process against a real server with the embedded feature store. */
class FeatureCommandTest {
    @TempDir
    static Path serverHome;

    private static CarraraServer server;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() {
        server = CarraraServer.start(ServerConfig.embedded(serverHome, 0).withAuth(ServerConfig.Auth.OFF));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putsGetsAndDeletes() {
        CommandResult put = carrara("features", "put", "driver_stats", "d42", "{\"trips_7d\": 12, \"rating\": 4.0}");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo("{\"rating\":4.0,\"trips_7d\":12}\n");

        CommandResult some = carrara("features", "get", "driver_stats", "d42", "--features", "trips_7d,tier");
        assertThat(some.exitCode()).as(some.toString()).isZero();
        assertThat(some.out()).isEqualTo("{\"trips_7d\":12,\"tier\":null}\n");

        CommandResult deleted = carrara("features", "delete", "driver_stats", "d42");
        assertThat(deleted.out()).isEqualTo("deleted driver_stats/d42\n");
        CommandResult missing = carrara("features", "get", "driver_stats", "d42");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("error: ").contains("(field: key)");
    }

    @Test
    void badJsonIsAnErrorNamingTheField() {
        CommandResult result = carrara("features", "put", "driver_stats", "d1", "{trips");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("JSON must be an object").contains("(field: features)");
    }

    @Test
    void loadsAFileAndSummarises() throws Exception {
        Path csv = work.resolve("drivers.csv");
        Files.writeString(csv, "driver_id,trips_7d,rating\nd1,12,4.8\nd2,3\nd3,7,5.0\n", UTF_8);

        CommandResult result = carrara("features", "load", "loaded_stats", csv.toString(), "--key", "driver_id");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("loaded 2 rows into loaded_stats, 1 failed\n");
        assertThat(result.err()).contains("line 3: the row has 2 cells but the header has 3");
        assertThat(carrara("features", "get", "loaded_stats", "d3").out()).isEqualTo("{\"rating\":5.0,\"trips_7d\":7}\n");

        Path jsonl = work.resolve("drivers.data");
        Files.writeString(jsonl, "{\"driver_id\": \"d9\", \"tier\": \"gold\"}\n", UTF_8);
        CommandResult clean = carrara("features", "load", "loaded_stats", jsonl.toString(), "--key", "driver_id",
                "--format", "jsonl");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).isEqualTo("loaded 1 rows into loaded_stats, 0 failed\n");

        CommandResult unknown = carrara("features", "load", "loaded_stats", jsonl.toString(), "--key", "driver_id");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("--format jsonl");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String command : new String[] {"put", "get", "delete", "load"}) {
            CommandResult help = carrara("features", command, "--help");
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).contains("Usage: carrara features " + command);
        }
        assertThat(carrara("features", "load", "g", "f.csv").exitCode()).isEqualTo(2);
    }

    private static CommandResult carrara(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = server.uri().toString();
        return CommandResult.run(all);
    }
}
