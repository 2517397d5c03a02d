package io.carrara.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one environments folder every test of the build shares (surefire passes {@code carrara.test.pythonEnvs},
 * {@code target/python-envs} of the checkout): a real build takes 10-30 s, so tests reuse the few they need.
 */
final class TestEnvironments {
    /** What the shared dataframe environment installs beyond the carrara package's own requirements. */
    static final String REQUIREMENTS = "numpy==2.2.6\npandas==2.3.3\n";

    private static Path fallback;

    private TestEnvironments() {}

    static synchronized Path directory() {
        String configured = System.getProperty("carrara.test.pythonEnvs");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (fallback == null) {
            try {
                fallback = Files.createTempDirectory("carrara-python-envs-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fallback;
    }

    /** Shared environments, sockets in {@code sockets}, pip without retries and with a short timeout. */
    static PythonSettings settings(Path sockets) {
        return PythonSettings.defaults(sockets)
                .withEnvironments(directory())
                .withSockets(sockets.resolve("run"))
                .withPipArguments(List.of("--retries", "0", "--timeout", "5"))
                .withBuildTimeout(Duration.ofMinutes(4));
    }
}
