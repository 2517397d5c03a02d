package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The carrara Python package's own suite ({@code python/tests}, pytest), run by the Maven build in an
 * environment built the way a model's is, from pinned requirements (pytest and scikit-learn beside the
 * package's own), so that {@code mvn verify} tests both sides of the worker protocol. The suite runs
 * against the source tree ({@code python/src}), as its conftest arranges.
 */
class PythonPackageSuiteTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .toAbsolutePath().getParent();

    /** What the suite imports beyond the package's own requirements, pinned to what the local index holds. */
    static final String REQUIREMENTS = """
            pytest==9.1.1
            scikit-learn==1.9.1
            scipy==1.17.1
            joblib==1.6.0
            numpy==2.2.6
            pandas==2.3.3
            """;

    @TempDir
    Path temp;

    @Test
    void thePackagesOwnSuitePasses() throws Exception {
        Path home = Files.createDirectories(temp.resolve("suite"));
        Files.writeString(home.resolve(ModelHome.CONFIG), """
                formatVersion: 1
                kind: dataframe
                python: "%s"
                inputs:
                  - {name: x, type: double}
                outputs:
                  - {name: y, type: double}
                """.formatted(majorMinor()));
        Files.writeString(home.resolve(ModelHome.REQUIREMENTS), REQUIREMENTS);
        Environment environment = new PythonEnvironments(TestEnvironments.settings(temp))
                .prepare(ModelHome.readForEnvironment(home), line -> { });

        ProcessBuilder builder = new ProcessBuilder(environment.python().toString(), "-m", "pytest", "python/tests", "-q",
                "-p", "no:cacheprovider").directory(REPOSITORY.toFile()).redirectErrorStream(true)
                .redirectOutput(temp.resolve("pytest.log").toFile());
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> !List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR").contains(name));
        variables.put("PYTHONDONTWRITEBYTECODE", "1");
        variables.put("TMPDIR", Files.createDirectories(temp.resolve("tmp")).toString());
        Process pytest = builder.start();
        boolean finished = pytest.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            pytest.destroyForcibly();
        }
        String log = Files.readString(temp.resolve("pytest.log"), StandardCharsets.UTF_8);
        assertThat(finished).as("pytest finished within 5 minutes:\n" + log).isTrue();
        assertThat(pytest.exitValue()).as(log).isZero();
        assertThat(log).containsPattern("\\d+ passed");
    }

    private static String majorMinor() throws IOException, InterruptedException {
        Process python = new ProcessBuilder("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])").start();
        String version = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        python.waitFor();
        return version;
    }
}
