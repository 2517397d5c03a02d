package io.carrara.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.walkthrough.WalkThroughRunner.Failure;
import io.carrara.walkthrough.WalkThroughRunner.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner on deliberately broken snippets, in a stand-in repository whose {@code ./carrara up}
 * is a small Python web server: what fails must be named by document, block, heading and command.
 */
class WalkThroughRunnerTest {
    @TempDir
    Path repository;

    @TempDir
    Path scratch;

    @Test
    void runsTheStepsInOrderInOneShellFromTheRepository() throws Exception {
        Outcome outcome = run("""
                # Steps

                ```sh
                greeting=hello
                ```

                <!-- illustration: not a step -->
                ```sh
                exit 3
                ```

                ```yaml
                not: run
                ```

                ```sh
                echo "$greeting from $(pwd)" > "$TMPDIR/said"
                cat "$TMPDIR/said"
                ```
                """);

        assertThat(outcome.failure()).as(outcome.report()).isNull();
        assertThat(Files.readString(scratch.resolve("tmp/said"))).isEqualTo("hello from " + repository.toRealPath() + "\n");
        assertThat(outcome.blocks()).extracting(WalkThroughRunner.BlockRun::status)
                .satisfiesExactly(
                        status -> assertThat(status).startsWith("ran in "),
                        status -> assertThat(status).isEqualTo("skipped, illustration: not a step"),
                        status -> assertThat(status).isEqualTo("shown, not run (yaml)"),
                        status -> assertThat(status).startsWith("ran in "));
    }

    @Test
    void aCommandOnAMissingFileFailsNamingTheBlockAndTheCommand() throws Exception {
        Files.createDirectories(repository.resolve("examples/trips"));
        Files.writeString(repository.resolve("examples/trips/trips.csv"), "id\n1\n");

        Outcome outcome = run("""
                # Guide

                ```sh
                wc -l examples/trips/trips.csv
                ```

                ## Batch

                ```sh
                rows=$(wc -l < examples/trips/trips.csv)
                wc -l examples/trips/trip.csv
                echo "never printed"
                ```

                ```sh
                echo "never reached"
                ```
                """);

        Failure failure = outcome.failure();
        assertThat(failure).isNotNull();
        assertThat(failure.block().index()).isEqualTo(2);
        assertThat(failure.block().heading()).isEqualTo("Batch");
        assertThat(failure.reason()).isEqualTo("a command failed with exit status 1");
        assertThat(failure.command()).isEqualTo("wc -l examples/trips/trip.csv\n");
        assertThat(failure.output()).contains("examples/trips/trip.csv: No such file or directory").doesNotContain("never");
        assertThat(outcome.report()).startsWith("""
                guide.md, block 2 ("Batch", line 10): a command failed with exit status 1
                  command as written:
                    wc -l examples/trips/trip.csv
                """).contains("block 3 (\"Batch\", line 16): not reached");
    }

    @Test
    void namesAFailingCommandThatSpansLinesWhole() throws Exception {
        Outcome outcome = run("""
                ```sh
                echo first
                ls \\
                  --no-such-option \\
                  examples
                ```
                """);

        assertThat(outcome.failure().command()).isEqualTo("ls \\\n  --no-such-option \\\n  examples\n");
        assertThat(outcome.failure().bashCommand()).isEqualTo("ls --no-such-option examples");
    }

    @Test
    void aFailureInsideACommandSubstitutionNamesTheAssignment() throws Exception {
        Outcome outcome = run("""
                ```sh
                id=$(cat no-such-file)
                ```
                """);

        assertThat(outcome.failure().command()).isEqualTo("id=$(cat no-such-file)\n");
    }

    @Test
    void anUnsetVariableFailsTheBlock() throws Exception {
        Outcome outcome = run("""
                ```sh
                echo "$id"
                ```
                """);

        assertThat(outcome.failure().reason()).isEqualTo("bash stopped with exit status 1");
        assertThat(outcome.failure().command()).isEqualTo("echo \"$id\"\n");
        assertThat(outcome.failure().output()).contains("id: unbound variable");
    }

    @Test
    void aBlockThatRunsTooLongIsStoppedAndTheRunningCommandNamed() throws Exception {
        Outcome outcome = new WalkThroughRunner(repository, scratch, Duration.ofSeconds(2)).run(WalkThrough.parse("slow.md", """
                ## Waiting

                ```sh
                echo started
                sleep 60
                echo done
                ```
                """));

        assertThat(outcome.failure().block().heading()).isEqualTo("Waiting");
        assertThat(outcome.failure().reason()).startsWith("did not finish within 2.");
        assertThat(outcome.failure().command()).isEqualTo("sleep 60\n");
        assertThat(outcome.failure().output()).isEqualTo("started\n");
    }

    @Test
    void startsTheServerOnTheTestsHomeAndPortAndStopsItAtTheEnd() throws Exception {
        standInLauncher();

        Outcome outcome = run("""
                Start it:

                ```sh
                ./carrara up --set log.access=false
                ```

                ```sh
                curl -sf localhost:8080/api/v1/health
                echo "$CARRARA_SERVER"
                ```
                """);

        assertThat(outcome.failure()).as(outcome.report()).isNull();
        List<String> arguments = Files.readAllLines(repository.resolve("up-arguments"));
        assertThat(arguments).startsWith("up", "--set", "log.access=false", "--home", scratch.resolve("home").toString(), "--port");
        String port = arguments.get(arguments.size() - 1);
        assertThat(outcome.blocks()).hasSize(2);
        long server = Long.parseLong(Files.readString(scratch.resolve("server.pid")).trim());
        assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).as("the server was stopped").isNotEqualTo(java.util.Optional.of(true));
        assertThat(outcome.serverLog()).contains("GET /api/v1/health");
        assertThat(Files.readString(scratch.resolve("walkthrough.sh")))
                .contains("__walkthrough_up --set log.access=false", "curl -sf localhost:" + port + "/api/v1/health");
    }

    @Test
    void aServerThatDoesNotStartFailsItsBlock() throws Exception {
        Path launcher = repository.resolve("carrara");
        Files.writeString(launcher, "#!/usr/bin/env bash\necho 'port already in use' >&2\nexit 1\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));

        Outcome outcome = run("```sh\n./carrara up\n```\n");

        assertThat(outcome.failure().command()).isEqualTo("./carrara up\n");
        assertThat(outcome.failure().output()).contains("the server stopped");
        assertThat(outcome.serverLog()).contains("port already in use");
    }

    @Test
    void rewritesOnlyTheServerStartAndTheDefaultPort() {
        assertThat(WalkThroughRunner.rewrite("./carrara up", 4242)).isEqualTo("__walkthrough_up");
        assertThat(WalkThroughRunner.rewrite("  ./carrara up --set a=b", 4242)).isEqualTo("  __walkthrough_up --set a=b");
        assertThat(WalkThroughRunner.rewrite("./carrara upload", 4242)).isEqualTo("./carrara upload");
        assertThat(WalkThroughRunner.rewrite("echo ./carrara up", 4242)).isEqualTo("echo ./carrara up");
        assertThat(WalkThroughRunner.rewrite("curl -s http://localhost:8080/x 127.0.0.1:8080 localhost:80801", 4242))
                .isEqualTo("curl -s http://localhost:4242/x 127.0.0.1:4242 localhost:80801");
    }

    private Outcome run(String markdown) throws Exception {
        return new WalkThroughRunner(repository, scratch, Duration.ofSeconds(60)).run(WalkThrough.parse("guide.md", markdown));
    }

    /** A {@code ./carrara} whose {@code up} serves {@code /api/v1/health} with Python's web server and notes its arguments. */
    private void standInLauncher() throws Exception {
        Path site = Files.createDirectories(repository.resolve("site/api/v1"));
        Files.writeString(site.resolve("health"), "{\"status\":\"ok\"}\n");
        Path launcher = repository.resolve("carrara");
        Files.writeString(launcher, """
                #!/usr/bin/env bash
                set -euo pipefail
                cd "$(dirname "$0")"
                printf '%s\\n' "$@" > up-arguments
                port=
                while [ $# -gt 0 ]; do
                  if [ "$1" = --port ]; then port=$2; fi
                  shift
                done
                exec python3 -m http.server "$port" --bind 127.0.0.1 --directory site
                """);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
