package io.carrara.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code carrara} launcher at the repository root. It runs only when both jars are built and
 * newer than every source, because otherwise the script would start a Maven build of its own; run
 * {@code mvn -DskipTests package} first to include it.
 */
class LauncherScriptTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPOSITORY.resolve("carrara");
    private static final List<Path> JARS = List.of(
            REPOSITORY.resolve("carrara-server/target/carrara-server.jar"),
            REPOSITORY.resolve("carrara-cli/target/carrara-cli.jar"));
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", "node_modules", ".carrara");

    @TempDir
    Path elsewhere;

    @BeforeEach
    void requireFreshJars() throws IOException {
        assumeTrue(Files.isRegularFile(SCRIPT), "no launcher at " + SCRIPT);
        for (Path jar : JARS) {
            assumeTrue(Files.isRegularFile(jar), jar + " is not built");
        }
        FileTime oldestJar = Files.getLastModifiedTime(JARS.get(0));
        for (Path jar : JARS) {
            FileTime built = Files.getLastModifiedTime(jar);
            oldestJar = built.compareTo(oldestJar) < 0 ? built : oldestJar;
        }
        assumeTrue(newestSource().compareTo(oldestJar) <= 0, "the jars are older than the sources");
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

    // The same rule as the script: pom.xml files and files under a src/ directory, outside target/ and .git/.
    private static FileTime newestSource() throws IOException {
        FileTime[] newest = {FileTime.fromMillis(0)};
        Files.walkFileTree(REPOSITORY, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                return SKIPPED_DIRECTORIES.contains(directory.getFileName().toString()) && !directory.equals(REPOSITORY)
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                Path relative = REPOSITORY.relativize(file);
                boolean underSrc = false;
                for (int i = 0; i < relative.getNameCount() - 1; i++) {
                    underSrc |= relative.getName(i).toString().equals("src");
                }
                if ((underSrc || file.getFileName().toString().equals("pom.xml"))
                        && attributes.lastModifiedTime().compareTo(newest[0]) > 0) {
                    newest[0] = attributes.lastModifiedTime();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return newest[0];
    }

    private Result run(List<String> command, Path directory) throws Exception {
        Path out = Files.createTempFile(elsewhere, "out", ".txt");
        Path err = Files.createTempFile(elsewhere, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private record Result(int exitCode, String out, String err) {}
}
