package io.carrara.serving.runtime;

import static java.util.Objects.requireNonNull;

import io.carrara.python.Environment;
import io.carrara.python.ModelHome;
import io.carrara.python.PythonEnvironments;
import io.carrara.python.PythonErrorCode;
import io.carrara.python.PythonMetadata;
import io.carrara.python.PythonModel;
import io.carrara.python.PythonSettings;
import io.carrara.python.RowOutcome;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.predict.RowError;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import io.carrara.spi.schema.SchemaText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code python} artifacts (a model home folder, see docs/python-models.md) through
 * carrara-python: loading builds or reuses the folder's environment and starts its workers, each
 * of which loads the model and gives the expected answers on {@code validation/} before the model
 * takes traffic. A row's answer is the row with the model's declared outputs added, like a
 * pipeline's. A worker that died or hung fails the request with 503 {@code MODEL_UNAVAILABLE}
 * naming the instance (the worker restarts in the background); the other deployments never notice.
 */
public final class PythonModelRuntime implements ModelRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(PythonModelRuntime.class);

    private final PythonSettings settings;
    private final PythonEnvironments environments;

    public PythonModelRuntime(PythonSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.environments = new PythonEnvironments(settings);
    }

    @Override
    public ArtifactFormat format() {
        return ArtifactFormat.PYTHON;
    }

    /** carrara.yaml and the folder's layout, as the contract says; the model itself is not run here. */
    @Override
    public void checkArtifact(Path directory) {
        ModelHome.read(directory);
    }

    @Override
    public LoadedModel load(Path directory, Optional<Schema> inputs) {
        return load(directory, inputs, directory.getFileName() == null ? "model" : directory.getFileName().toString(), Map.of());
    }

    /**
     * Builds or reuses the environment and starts the workers; they run validation/ before they take
     * traffic, unless the instance was uploaded with {@code --skip-validation} (see
     * {@link PythonMetadata#validates}), which the upload recorded so that the choice is visible.
     */
    @Override
    public LoadedModel load(Path directory, Optional<Schema> inputs, String instance, Map<String, String> metadata) {
        ModelHome home = ModelHome.read(directory);
        Schema declared = home.inputSchema();
        if (inputs.isPresent() && !inputs.get().equals(declared)) {
            throw new CarraraException(PythonErrorCode.MODEL_HOME_INVALID, "the instance's inputSchema metadata ("
                    + SchemaText.format(inputs.get()) + ") is not what its carrara.yaml declares (" + SchemaText.format(declared)
                    + "); upload the model again without --meta inputSchema", "inputSchema");
        }
        String label = "instance " + instance;
        ServerPaths paths = new ServerPaths(home.directory(), settings);
        try {
            Environment environment = environments.prepare(home, line -> LOG.debug("{} environment: {}", label, line));
            boolean validate = PythonMetadata.validates(metadata);
            if (!validate) {
                LOG.warn("{} was uploaded with --skip-validation: its workers take traffic without running validation/", label);
            }
            PythonModel model = PythonModel.start(home, environment, settings, label, validate);
            return new Loaded(model, label, declared, home.outputSchema(), paths);
        } catch (CarraraException e) {
            throw paths.removedFrom(e);
        }
    }

    /**
     * The server's own folders, taken out of what reaches API clients: a worker's stderr lines and a
     * model's exception messages name files under the model's folder and the environment (Python
     * tracebacks do), and a client needs the file of its model, not where the server keeps it.
     */
    private record ServerPaths(Path home, PythonSettings settings) {
        String removedFrom(String message) {
            if (message == null) {
                return null;
            }
            return message.replace(home + java.io.File.separator, "").replace(home.toString(), "the model's folder")
                    .replace(settings.environments().toString(), "<environments>")
                    .replace(settings.sockets().toString(), "<sockets>");
        }

        CarraraException removedFrom(CarraraException e) {
            return new CarraraException(e.errorCode(), removedFrom(e.getMessage()), e.field().orElse(null), e);
        }
    }

    /** A started model: rows in, the rows with the declared outputs added. */
    private static final class Loaded implements LoadedModel {
        private final PythonModel model;
        private final String label;
        private final List<Field> inputs;
        private final List<Field> outputs;
        private final ServerPaths paths;

        Loaded(PythonModel model, String label, Schema inputs, Schema outputs, ServerPaths paths) {
            this.model = model;
            this.label = label;
            this.inputs = inputs.fields();
            this.outputs = outputs.fields();
            this.paths = paths;
        }

        @Override
        public List<ScoredRow> score(List<Map<String, Object>> rows) {
            List<RowOutcome> outcomes;
            try {
                outcomes = model.score(rows);
            } catch (CarraraException e) {
                if (e.errorCode().equals(PythonErrorCode.WORKER_UNAVAILABLE.toErrorCode())) {
                    throw new CarraraException(ServingErrorCode.MODEL_UNAVAILABLE, paths.removedFrom(e.getMessage()), "instance", e);
                }
                throw paths.removedFrom(e);
            }
            List<ScoredRow> scored = new ArrayList<>(outcomes.size());
            for (int i = 0; i < outcomes.size(); i++) {
                RowOutcome outcome = outcomes.get(i);
                if (!outcome.isSuccess()) {
                    scored.add(ScoredRow.failed(new RowError(outcome.error(), paths.removedFrom(outcome.message()), outcome.column())));
                } else {
                    Map<String, Object> output = new LinkedHashMap<>(rows.get(i));
                    output.putAll(outcome.output());
                    scored.add(ScoredRow.scored(output, outputs));
                }
            }
            return scored;
        }

        @Override
        public boolean scoresInProcess() {
            return false;
        }

        @Override
        public List<Field> inputs() {
            return inputs;
        }

        @Override
        public List<Field> outputs() {
            return outputs;
        }

        @Override
        public void close() {
            model.close();
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
