package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code carrara} launcher at the repository root, run by failsafe after {@code package} has
 * built both jars. {@code CARRARA_SKIP_BUILD=1} keeps the script from starting a Maven build of its
 * own when an editor touched a source during the build.
 */
class LauncherScriptIT {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPOSITORY.resolve("carrara");
    private static final List<Path> JARS = List.of(
            REPOSITORY.resolve("carrara-server/target/carrara-server.jar"),
            REPOSITORY.resolve("carrara-cli/target/carrara-cli.jar"));

    @TempDir
    Path elsewhere;

    @BeforeEach
    void requireBuiltJars() {
        assertThat(SCRIPT).as("the launcher").isRegularFile();
        for (Path jar : JARS) {
            assertThat(jar).as("built by the package phase before this integration test").isRegularFile();
        }
    }

    @Test
    void runsTheCliFromAnyDirectory() throws Exception {
        Result help = run(List.of("bash", SCRIPT.toString(), "--help"), elsewhere);

        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: carrara ").contains("instance", "./carrara up");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void followsASymbolicLinkToTheScript() throws Exception {
        Path link = Files.createSymbolicLink(elsewhere.resolve("carrara"), SCRIPT);

        Result version = run(List.of("bash", link.toString(), "model", "--version"), elsewhere);

        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("carrara ");
    }

    @Test
    void passesTheExitCodeOfAFailedCommand() throws Exception {
        Result failed = run(List.of("bash", SCRIPT.toString(), "--server", "http://127.0.0.1:9", "project", "list"),
                elsewhere);

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err()).startsWith("error: cannot reach Carrara at http://127.0.0.1:9");
    }

    /** A class-data archive the JVM cannot use (corrupt, or from another JDK) costs speed, never the command. */
    @Test
    void runsCommandsWithAnUnusableClassArchive() throws Exception {
        Path archive = REPOSITORY.resolve("carrara-cli/target/carrara-cli.jsa");
        try {
            Files.deleteIfExists(archive);
            Files.writeString(archive, "not a class-data archive");

            Result failed = run(List.of("bash", SCRIPT.toString(), "--server", "http://127.0.0.1:9", "project", "list"),
                    elsewhere);
            Result version = run(List.of("bash", SCRIPT.toString(), "model", "--version"), elsewhere);

            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.out()).isEmpty();
            assertThat(failed.err()).startsWith("error: cannot reach Carrara at http://127.0.0.1:9");
            assertThat(version.exitCode()).as(version.err()).isZero();
            assertThat(version.out()).startsWith("carrara ");
            assertThat(version.err()).isEmpty();
        } finally {
            // The next successful command writes a good one.
            Files.deleteIfExists(archive);
        }
    }

    private Result run(List<String> command, Path directory) throws Exception {
        Path out = Files.createTempFile(elsewhere, "out", ".txt");
        Path err = Files.createTempFile(elsewhere, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("CARRARA_SKIP_BUILD", "1");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private record Result(int exitCode, String out, String err) {}
}
