package io.carrara.python;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a model's own validation in its environment, as packaging does before it accepts a model:
 * <pre>{@code
 * ValidationReport report = new PythonValidation(settings).run(env, home);
 * if (!report.ok()) System.out.println(report.describe());
 * }</pre>
 */
public final class PythonValidation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXIT_LOAD_FAILED = 3;
    private static final int EXIT_VALIDATION_DIFFERS = 4;
    private static final int STDERR_LINES = 30;

    private final PythonSettings settings;

    public PythonValidation(PythonSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    /**
     * {@code ENV/bin/python -m carrara validate HOME --json}, bounded by the worker start timeout. A model that
     * cannot load throws {@link PythonErrorCode#MODEL_LOAD_FAILED} with its stderr; one that answers differently
     * returns a report with {@code ok() == false}.
     */
    public ValidationReport run(Environment env, ModelHome home) {
        requireNonNull(env, "env is null");
        requireNonNull(home, "home is null");
        Duration timeout = settings.workerStartTimeout();
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("carrara-validate-", ".out");
            stderr = Files.createTempFile("carrara-validate-", ".err");
            ProcessBuilder builder = ChildProcesses.builder(List.of(env.python().toString(), "-m", "carrara", "validate",
                    home.directory().toString(), "--json"), home.directory());
            builder.environment().put("PYTHONUNBUFFERED", "1");
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.redirectOutput(stdout.toFile());
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.killTree(process.toHandle());
                throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, "validation of " + home.directory().getFileName()
                        + " did not finish within " + timeout.toSeconds() + " s (the worker start timeout) and was killed"
                        + tail(stderr));
            }
            int status = process.exitValue();
            if (status == EXIT_LOAD_FAILED) {
                throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, "the model " + home.directory().getFileName()
                        + " cannot load" + tail(stderr));
            }
            if (status != 0 && status != EXIT_VALIDATION_DIFFERS) {
                throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, "validation of " + home.directory().getFileName()
                        + " failed with exit status " + status + tail(stderr));
            }
            return parse(Files.readString(stdout, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, "validation of " + home.directory().getFileName()
                    + " could not run: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CarraraException(PythonErrorCode.MODEL_LOAD_FAILED, "interrupted while validating " + home.directory().getFileName());
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    static ValidationReport parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject() || !root.path("ok").isBoolean()) {
            throw new IOException("the validation report is not the JSON object python -m carrara validate --json prints: "
                    + (json.length() > 200 ? json.substring(0, 200) + "..." : json));
        }
        List<ValidationReport.ColumnDifference> differences = new ArrayList<>();
        for (JsonNode difference : root.path("differences")) {
            List<ValidationReport.Example> examples = new ArrayList<>();
            for (JsonNode example : difference.path("examples")) {
                examples.add(new ValidationReport.Example(example.path("row").asInt(), example.path("expected").toString(),
                        example.path("actual").toString()));
            }
            JsonNode max = difference.path("maxAbsoluteDifference");
            // Non-finite differences come as the strings "NaN" and "Infinity".
            Double maxAbsolute = max.isNumber() ? Double.valueOf(max.doubleValue())
                    : max.isTextual() ? Double.valueOf(max.textValue()) : null;
            differences.add(new ValidationReport.ColumnDifference(difference.path("column").asText(),
                    difference.path("differingRows").asInt(), maxAbsolute, examples));
        }
        List<String> warnings = new ArrayList<>();
        root.path("warnings").forEach(warning -> warnings.add(warning.asText()));
        JsonNode error = root.path("error");
        return new ValidationReport(root.path("ok").booleanValue(), root.path("rows").asInt(), differences,
                error.isTextual() ? error.textValue() : null, warnings);
    }

    private static String tail(Path stderr) {
        try {
            List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size());
            return last.isEmpty() ? "" : "; its last stderr lines:\n" + String.join("\n", last);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // A temporary file; the OS cleans it eventually.
            }
        }
    }
}
