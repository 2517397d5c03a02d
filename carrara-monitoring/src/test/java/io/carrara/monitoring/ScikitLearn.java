package io.carrara.monitoring;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The values scikit-learn, NumPy and SciPy give for {@link ReferenceDatasets}: one virtual environment
 * (target/scikit-learn-venv, reused while it imports) and one run of reference_values.py for the whole test
 * JVM, so that the module's tests pay for Python once. Without python3 or the packages the tests that need
 * them are skipped with the reason, or fail when {@code CARRARA_REQUIRE_SERVICES=true} (as in CI).
 */
public final class ScikitLearn {
    private static final String PACKAGES_IMPORT = "import sklearn, scipy, numpy";
    private static final long INSTALL_SECONDS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The interpreter that builds the environment; a system property names another. */
    private static final String PYTHON = System.getProperty("carrara.test.python3", "python3");

    private static JsonNode expected;
    private static String unavailable;

    private ScikitLearn() {}

    /** The expected values, by section ({@code classification}, {@code regression}, {@code drift}) and dataset. */
    public static synchronized JsonNode expected() {
        if (expected == null && unavailable == null) {
            try {
                expected = compute();
            } catch (IllegalStateException e) {
                unavailable = e.getMessage();
            }
        }
        if (unavailable != null) {
            if ("true".equalsIgnoreCase(System.getenv("CARRARA_REQUIRE_SERVICES"))) {
                fail(unavailable + " (CARRARA_REQUIRE_SERVICES=true, so this fails instead of skipping)");
            }
            Assumptions.abort(unavailable);
        }
        return expected;
    }

    /** Asserts {@code actual} within 1e-9 of {@code expected}, relative to it when it is above 1 in size. */
    public static void assertClose(String what, double actual, double expected) {
        double tolerance = 1e-9 * Math.max(1.0, Math.abs(expected));
        if (!(Math.abs(actual - expected) <= tolerance)) {
            fail(what + ": expected " + expected + " (scikit-learn/SciPy) but was " + actual + ", off by "
                    + Math.abs(actual - expected));
        }
    }

    private static JsonNode compute() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path work = module.resolve("target/scikit-learn-reference");
        Path venv = module.resolve("target/scikit-learn-venv");
        Path python = venv.resolve("bin/python");
        try {
            Files.createDirectories(work);
            if (!Files.isExecutable(python) || run(List.of(python.toString(), "-c", PACKAGES_IMPORT), 60).exit != 0) {
                build(venv, python);
            }
            Path datasets = work.resolve("datasets.json");
            JSON.writeValue(datasets.toFile(), ReferenceDatasets.asJson());
            Path script = work.resolve("reference_values.py");
            try (var in = ScikitLearn.class.getResourceAsStream("reference_values.py")) {
                Files.write(script, in.readAllBytes());
            }
            Result result = run(List.of(python.toString(), script.toString(), datasets.toString()), 300);
            if (result.exit != 0) {
                throw new IllegalStateException(python + " reference_values.py failed (exit " + result.exit + "):\n" + result.tail());
            }
            return JSON.readTree(result.stdout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void build(Path venv, Path python) throws IOException {
        deleteRecursively(venv);
        Result created;
        try {
            created = run(List.of(PYTHON, "-m", "venv", venv.toString()), 120);
        } catch (IOException e) {
            throw new IllegalStateException(PYTHON + " cannot be run (" + e.getMessage()
                    + "); the monitoring tests compare with scikit-learn and need Python 3 with venv on the PATH");
        }
        if (created.exit != 0) {
            throw new IllegalStateException("python3 -m venv " + venv + " failed (exit " + created.exit + "):\n"
                    + created.tail());
        }
        Result installed = run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "scikit-learn", "scipy",
                "numpy"), INSTALL_SECONDS);
        if (installed.exit != 0) {
            throw new IllegalStateException("pip install scikit-learn scipy numpy failed in " + venv + " (exit "
                    + installed.exit + "); is the package index reachable?\n" + installed.tail());
        }
    }

    private record Result(int exit, String stdout, String stderr) {
        String tail() {
            List<String> lines = new ArrayList<>(List.of((stdout + "\n" + stderr).strip().split("\n")));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
    }

    private static Result run(List<String> command, long timeoutSeconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("PIP_RETRIES", "0");
        environment.put("PIP_TIMEOUT", "5");
        environment.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
        Path stdout = Files.createTempFile("carrara-monitoring", ".out");
        Path stderr = Files.createTempFile("carrara-monitoring", ".err");
        try {
            Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took longer than " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
