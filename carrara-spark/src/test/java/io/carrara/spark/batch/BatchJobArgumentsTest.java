package io.carrara.spark.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BatchJob's argument checks, which all happen before Spark starts: exit code 2 and what to fix. */
class BatchJobArgumentsTest {
    @TempDir
    Path temporary;

    @Test
    void missingOptionsAreNamed() {
        BatchJobTest.Run run = BatchJobTest.run("--query", "SELECT 1");

        assertThat(run.code()).isEqualTo(BatchJob.USAGE);
        assertThat(run.err()).contains("--output").contains("--execution-date").contains("--instance");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aLocalModelNeedsItsModelName() {
        BatchJobTest.Run run = BatchJobTest.run("--query", "SELECT 1", "--output", "ml.x", "--execution-date", "2026-11-01",
                "--instance", "00000000-0000-0000-0000-00000000000d", "--model-dir", ".");

        assertThat(run.code()).isEqualTo(BatchJob.USAGE);
        assertThat(run.err()).contains("--model-name is required").contains("--carrara");
    }

    @Test
    void malformedValuesAreRefusedWithTheOption() {
        assertThat(run("--execution-date", "2026-13-01").err()).contains("--execution-date").contains("2026-13-01");
        assertThat(run("--instance", "not-a-uuid").err()).contains("--instance");
        assertThat(run("--model-name", "trip_outcome").err()).contains("PROJECT/MODEL").contains("model-name");
        assertThat(run("--output", "ml.trips.extra").err()).contains("TABLE or DATABASE.TABLE");
        assertThat(run("--columns", "probability,probability").err()).contains("twice");
        assertThat(run("--model-dir", temporary.resolve("absent").toString()).err()).contains("is not a directory");
        assertThat(run("--model-dir", null, "--model-zip", temporary.resolve("absent.zip").toString()).err()).contains("is not a file");
        for (String[] change : List.of(new String[] {"--execution-date", "2026-13-01"}, new String[] {"--model-name", "x"})) {
            assertThat(run(change).code()).isEqualTo(BatchJob.USAGE);
        }
    }

    @Test
    void theModelComesFromExactlyOneOfDirectoryAndZip() {
        BatchJobTest.Run both = run("--model-zip", temporary.resolve("model.zip").toString());

        assertThat(both.code()).isEqualTo(BatchJob.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void helpListsTheOptions() {
        BatchJobTest.Run help = BatchJobTest.run("--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--query", "--output", "--execution-date", "--model-name", "--instance", "--model-dir",
                "--model-zip", "--columns", "--home", "--metastore-uri", "--warehouse", "--master", "--conf");
    }

    /** A valid command line with {@code changes} (option, value pairs) applied; a null value removes the option. */
    private BatchJobTest.Run run(String... changes) {
        List<String> args = new ArrayList<>(List.of("--query", "SELECT * FROM ml.trips", "--output", "ml.predictions",
                "--execution-date", "2026-11-01", "--model-name", "rides/trip_outcome", "--instance",
                "00000000-0000-0000-0000-00000000000c", "--model-dir", temporary.toString()));
        for (int i = 0; i < changes.length; i += 2) {
            int at = args.indexOf(changes[i]);
            if (at >= 0) {
                args.remove(at);
                args.remove(at);
            }
            if (changes[i + 1] != null) {
                args.add(changes[i]);
                args.add(changes[i + 1]);
            }
        }
        return BatchJobTest.run(args.toArray(String[]::new));
    }
}
