package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonErrorCode;
import io.carrara.python.PythonMetadata;
import io.carrara.python.PythonSettings;
import io.carrara.python.PythonValidation;
import io.carrara.python.ValidationReport;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.schema.SchemaText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code carrara instance upload --format python} does before the upload: reads the home
 * folder, validates the model in its own environment unless told not to, and fills the metadata the
 * server and the registry's users read: {@code inputSchema} (from carrara.yaml, which describes the
 * model to Open Inference Protocol clients), {@code python.kind}, {@code python.version},
 * {@code python.environment} (the environment's content hash) and {@code python.validation}
 * ({@code passed (N rows)} or {@code skipped}; see {@link PythonMetadata}); {@code inputSchema} only
 * when it fits a metadata value. Values the user gave with {@code --meta} win, but for
 * {@code python.validation}, which records what happened, and {@code inputSchema}, which only
 * carrara.yaml declares.
 */
final class PythonUpload {
    /** The registry's bound on a metadata value (FieldChecks.MAX_METADATA_VALUE, which the CLI does not depend on). */
    static final int MAX_METADATA_VALUE = 512;

    private PythonUpload() {}

    static void prepare(Path directory, boolean skipValidation, PythonSettings settings, Map<String, String> metadata,
            PrintWriter err) {
        if (metadata.containsKey("inputSchema")) {
            throw new CarraraException(INVALID_ARGUMENT, "a python model's inputSchema comes from the inputs of its"
                    + " carrara.yaml; drop --meta inputSchema=…", "meta");
        }
        ModelHome home = ModelHome.read(directory);
        home.warnings().forEach(warning -> err.println("warning: " + warning));
        String environmentHash;
        if (skipValidation) {
            environmentHash = new PythonEnvironments(settings).hash(home);
            metadata.put(PythonMetadata.VALIDATION, PythonMetadata.VALIDATION_SKIPPED);
        } else {
            Environment environment = PythonCommand.prepare(home, settings, err);
            ValidationReport report = new PythonValidation(settings).run(environment, home);
            if (!report.ok()) {
                err.println(report.describe());
                throw new CarraraException(PythonErrorCode.VALIDATION_FAILED, "the model's answers differ from"
                        + " validation/expected.jsonl (above); fix the model or its expected rows, or upload with"
                        + " --skip-validation", "validation");
            }
            environmentHash = environment.hash();
            metadata.put(PythonMetadata.VALIDATION, "passed (" + report.rows() + " rows)");
        }
        String inputSchema = SchemaText.format(home.inputSchema());
        if (inputSchema.length() <= MAX_METADATA_VALUE) {
            metadata.put("inputSchema", inputSchema);
        } else {
            // The registry indexes metadata for search and bounds each value; the server reads a python model's
            // inputs from its carrara.yaml anyway, so the Open Inference Protocol metadata still describes them.
            err.println("note: the " + home.inputs().size() + " inputs of carrara.yaml make an inputSchema of " + inputSchema.length()
                    + " characters, over the registry's " + MAX_METADATA_VALUE + " for a metadata value; it is not copied into"
                    + " the instance's metadata (the server reads carrara.yaml)");
        }
        metadata.putIfAbsent(PythonMetadata.KIND, home.kind().wireName());
        metadata.putIfAbsent(PythonMetadata.VERSION, home.python());
        metadata.putIfAbsent(PythonMetadata.ENVIRONMENT, environmentHash);
    }
}
