package io.carrara.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.registry.Artifact;
import io.carrara.api.registry.Instance;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import io.carrara.spi.model.ArtifactFormat;
import io.carrara.spi.model.ModelRef;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara instance upload|show|list|download|deprecate|annotate}. */
@Command(name = "instance", description = "Upload, inspect, download, deprecate and annotate model instances.",
        subcommands = {
            InstanceCommand.Upload.class,
            InstanceCommand.Show.class,
            InstanceCommand.Listing.class,
            InstanceCommand.Download.class,
            InstanceCommand.Deprecate.class,
            InstanceCommand.Annotate.class,
            InstanceCommand.SetProfile.class
        })
final class InstanceCommand extends GroupCommand {

    @Command(name = "upload",
            description = {
                "Upload a model file or directory as a new instance and print its id, alone, on stdout.",
                "A directory travels as a deterministic ZIP; a progress bar shows on stderr for large uploads.",
                "A python model (--format python) is validated first in its own environment (carrara python validate)",
                "and refused with the differences when its answers differ; its carrara.yaml inputs become the",
                "instance's inputSchema, and the outcome is recorded in its metadata (python.validation). A dataframe",
                "model's validation rows (.jsonl or .csv) also become the instance's reference profile for drift",
                "(carrara instance profile replaces it; --no-profile skips it)."
            })
    static final class Upload extends ClientCommand {
        @Parameters(index = "0", paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class,
                description = "The model the instance belongs to.")
        ModelRef model;

        @Parameters(index = "1", paramLabel = "PATH", description = "The model file or directory.")
        Path path;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "opaque",
                converter = ArtifactFormatConverter.class, completionCandidates = ArtifactFormatConverter.Candidates.class,
                description = "What the artifact holds: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        ArtifactFormat format;

        @Option(names = "--meta", paramLabel = "KEY=VALUE",
                description = "Metadata such as trainingData=hive://trips/2026-11-01; repeat for several.")
        Map<String, String> metadata = new LinkedHashMap<>();

        @Option(names = "--no-profile", description = "Do not make the instance's reference profile from a python model's"
                + " validation rows.")
        boolean noProfile;

        @Option(names = "--skip-validation",
                description = "python models: upload without validating (recorded as python.validation=skipped).")
        boolean skipValidation;

        @ArgGroup(exclusive = false, heading = "Environment of a python model's validation:%n")
        PythonCommand.EnvironmentOptions environment = new PythonCommand.EnvironmentOptions();

        @Override
        void execute(CarraraClient client) {
            if (format == ArtifactFormat.PYTHON) {
                PythonUpload.prepare(path, skipValidation, environment.settings(), metadata, err());
            } else if (skipValidation) {
                throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT,
                        "--skip-validation applies to python models only; drop it", "skip-validation");
            }
            Instance instance;
            try (TransferBar bar = TransferBar.on(err(), "upload")) {
                instance = client.instances().upload(model, path, format, metadata, bar);
            }
            out().println(instance.id());
            if (format == ArtifactFormat.PYTHON && !noProfile) {
                profileValidationRows(client, instance.id());
            }
        }

        /**
         * A dataframe model's validation inputs (the declared input columns) as the instance's reference profile. The
         * upload stands whatever happens here: a profile that cannot be made is a note saying how to set one.
         */
        private void profileValidationRows(CarraraClient client, UUID id) {
            io.carrara.python.ModelHome home = io.carrara.python.ModelHome.read(path);
            java.util.Optional<Path> rows = home.validationInput();
            String skipped = home.kind() != io.carrara.python.ModelHome.Kind.DATAFRAME ? "a tensor model's inputs are arrays"
                    : rows.isEmpty() || rows.get().getFileName().toString().endsWith(".parquet")
                            ? "its validation rows are not .jsonl or .csv" : null;
            if (skipped != null) {
                err().println("note: no reference profile was made at upload (" + skipped + "); set one with carrara instance"
                        + " profile " + id + " FILE");
                return;
            }
            java.util.Set<String> inputs = new java.util.HashSet<>();
            home.inputs().forEach(column -> inputs.add(column.name()));
            try {
                io.carrara.monitoring.drift.Profile profile = SetProfile.profileOf(rows.get(), row -> {
                    Map<String, Object> features = new LinkedHashMap<>(row);
                    features.keySet().retainAll(inputs);
                    return features;
                }, null);
                client.monitoring().setProfile(id, io.carrara.monitoring.drift.ProfileJson.write(profile));
                err().println("reference profile: the " + profile.rows() + " validation rows (" + profile.features().size()
                        + " inputs); carrara instance profile " + id + " FILE replaces it");
            } catch (Exception e) {
                err().println("warning: the instance was uploaded but no reference profile was made from " + home.directory()
                        .relativize(rows.get()) + ": " + e.getMessage() + "; set one with carrara instance profile " + id + " FILE");
            }
        }
    }

    @Command(name = "show", description = "Show an instance: artifact, metadata, provenance, dependencies.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The instance id.")
        UUID id;

        @Option(names = "--json", description = "Print the instance as JSON.")
        boolean json;

        @Override
        void execute(CarraraClient client) throws Exception {
            Instance instance = client.instances().get(id);
            if (json) {
                ObjectMapper mapper = CarraraJson.newObjectMapper();
                out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(instance));
                return;
            }
            Artifact artifact = instance.artifact();
            TextTable table = TextTable.keyValue()
                    .row("id", instance.id())
                    .row("model", instance.model())
                    .row("version", instance.version())
                    .row("created_at", instance.createdAt())
                    .row("created_by", instance.createdBy())
                    .row("reason", instance.reason())
                    .row("previous_instance", instance.previousInstance())
                    .row("format", artifact.format())
                    .row("packaging", artifact.packaging())
                    .row("sha256", artifact.sha256())
                    .row("size", artifact.size())
                    .row("uri", artifact.uri())
                    .row("deprecated", Display.deprecated(instance));
            if (instance.deprecated()) {
                table.row("deprecated_at", instance.deprecatedAt()).row("deprecated_by", instance.deprecatedBy());
            }
            // The same prefixes as the search language, so a line shows how to filter on it.
            instance.metadata().forEach((key, value) -> table.row("meta." + key, value));
            client.instances().annotations(id).forEach(annotation -> table.row("annotation." + annotation.key(),
                    annotation.value() + "  (" + annotation.setBy() + ", " + annotation.setAt() + ")"));
            // The latest value of each metric, as search reads it: metric.production.auc, with a monitored window's span.
            java.util.Map<String, io.carrara.api.registry.Metric> latest = new java.util.TreeMap<>();
            for (io.carrara.api.registry.Metric metric : client.instances().listMetrics(id)) {
                if (metric.value() != null) {
                    latest.put("metric." + metric.scope() + "." + metric.name(), metric);
                }
            }
            latest.forEach((key, metric) -> table.row(key, Display.number(metric.value())
                    + (metric.metadata().containsKey("windowStart") ? "  (" + metric.metadata().get("window") + " from "
                            + metric.metadata().get("windowStart") + ")" : "")));
            // The provenance document, nested parts flattened: provenance.client.javaVersion.
            printFlat(table, "provenance.", CarraraJson.newObjectMapper().convertValue(instance.provenance(),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
            instance.dependencies().forEach((upstream, upstreamId) -> table.row("dependency." + upstream, upstreamId));
            table.print(out());
        }

        /** Nested provenance (client, server, training) as one row per value: provenance.client.javaVersion. */
        private static void printFlat(TextTable table, String prefix, Map<String, ?> values) {
            values.forEach((key, value) -> {
                if (value instanceof Map<?, ?> nested) {
                    Map<String, Object> entries = new LinkedHashMap<>();
                    nested.forEach((nestedKey, nestedValue) -> entries.put(String.valueOf(nestedKey), nestedValue));
                    printFlat(table, prefix + key + ".", entries);
                } else {
                    table.row(prefix + key, value);
                }
            });
        }
    }

    @Command(name = "list", description = "List a model's instances, newest first.")
    static final class Listing extends ClientCommand {
        @Parameters(paramLabel = "PROJECT/NAME", converter = ModelRefConverter.class, description = "The model.")
        ModelRef model;

        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader(
                    "id", "version", "created_at", "created_by", "format", "reason", "deprecated");
            for (Instance instance : client.instances().list(model)) {
                table.row(instance.id(), instance.version(), instance.createdAt(), instance.createdBy(),
                        instance.artifact().format(), instance.reason(), instance.deprecated() ? "yes" : "no");
            }
            table.print(out());
        }
    }

    @Command(name = "download",
            description = {
                "Download an instance's artifact into DIR and print what was written.",
                "A model directory is extracted into DIR, which must be new or empty; a file keeps its uploaded name."
            })
    static final class Download extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
        UUID id;

        @Parameters(index = "1", paramLabel = "DIR", description = "Where to put the artifact.")
        Path directory;

        @Override
        void execute(CarraraClient client) {
            Path written;
            try (TransferBar bar = TransferBar.on(err(), "download")) {
                written = client.instances().download(id, directory, bar);
            }
            out().println(written);
        }
    }

    @Command(name = "profile", description = {"Set an instance's reference profile from its validation (or training) data in FILE",
        "(.csv or .jsonl, one row per line) or in a table of the server's catalog (--table ml.trips_train [--where COND]):",
        "per feature, bins at the deciles for numbers and the top 20 values for the rest, counted exactly; the monitor",
        "measures the drift of logged inputs against it (PSI, Jensen-Shannon)."})
    static final class SetProfile extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
        UUID id;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "A .csv (with a header) or .jsonl file of rows.")
        Path file;

        @CommandLine.Mixin
        TableSource tableSource = new TableSource();

        @Option(names = "--prediction-column", paramLabel = "COLUMN",
                description = "The column holding the model's prediction (its score or value), profiled as the prediction.")
        String predictionColumn;

        @Option(names = "--exclude", split = ",", paramLabel = "COLUMN", description = "Columns that are not features (the label, ids).")
        List<String> exclude = new ArrayList<>();

        @Override
        void execute(CarraraClient client) throws Exception {
            tableSource.check(file, spec);
            if (tableSource.given()) {
                try (TableRowsFile rows = tableSource.export(client)) {
                    profile(client, rows.file(), tableSource.table);
                }
                return;
            }
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "FILE " + file + " is not a file");
            }
            profile(client, file, file.getFileName().toString());
        }

        private void profile(CarraraClient client, Path file, String source) throws Exception {
            java.util.Set<String> dropped = new java.util.HashSet<>(exclude);
            if (predictionColumn != null) {
                dropped.add(predictionColumn);
            }
            io.carrara.monitoring.drift.Profile profile = profileOf(file, row -> {
                Map<String, Object> features = new LinkedHashMap<>(row);
                features.keySet().removeAll(dropped);
                return features;
            }, predictionColumn);
            if (profile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), source + " has no rows"
                        + (tableSource.where == null ? "" : " matching " + tableSource.where));
            }
            if (predictionColumn != null && profile.prediction() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--prediction-column " + predictionColumn + " is not a column of "
                        + source);
            }
            io.carrara.api.monitoring.ProfileInfo info = client.monitoring().setProfile(id,
                    io.carrara.monitoring.drift.ProfileJson.write(profile));
            out().println("profiled instance " + info.instance() + " from " + info.rows() + " rows: " + info.features().size()
                    + " features" + (info.prediction() ? " and the prediction" : ""));
        }

        /**
         * The profile of a file's rows in two passes (the first learns the bins from a sketch, the second counts every
         * row on them exactly): the features {@code features} keeps of each row, and the prediction in
         * {@code predictionColumn} when given; null when the file has no rows.
         */
        static io.carrara.monitoring.drift.Profile profileOf(Path file,
                java.util.function.Function<Map<String, Object>, Map<String, Object>> features, String predictionColumn)
                throws java.io.IOException {
            io.carrara.monitoring.drift.ProfileBuilder sketch = io.carrara.monitoring.drift.ProfileBuilder.sketching(
                    io.carrara.monitoring.drift.ProfileSettings.DEFAULTS);
            if (RowFiles.forEach(file, row -> add(sketch, features.apply(row), predictionColumn, row)) == 0) {
                return null;
            }
            io.carrara.monitoring.drift.ProfileBuilder exact = io.carrara.monitoring.drift.ProfileBuilder.binLike(sketch.build());
            RowFiles.forEach(file, row -> add(exact, features.apply(row), predictionColumn, row));
            return exact.build();
        }

        private static void add(io.carrara.monitoring.drift.ProfileBuilder builder, Map<String, Object> features, String predictionColumn,
                Map<String, Object> row) {
            if (predictionColumn != null) {
                builder.add(features, row.get(predictionColumn));
            } else {
                builder.add(features);
            }
        }
    }

    @Command(name = "annotate", description = {"Set or remove an instance's annotations: notes that, unlike its metadata, may",
        "change after it was made (rules set them with set-meta). Without KEY=VALUE or --remove, list them."})
    static final class Annotate extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
        UUID id;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "An annotation to set (repeat).")
        List<String> set = new ArrayList<>();

        @Option(names = "--remove", paramLabel = "KEY", description = "An annotation to remove (repeat).")
        List<String> remove = new ArrayList<>();

        @Override
        void execute(CarraraClient client) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String pair : set) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "'" + pair + "' needs the form KEY=VALUE, e.g."
                            + " reviewed=yes");
                }
                values.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
            values.forEach((key, value) -> {
                io.carrara.api.registry.Annotation annotation = client.instances().annotate(id, key, value);
                out().println("annotation." + annotation.key() + " = " + annotation.value());
            });
            for (String key : remove) {
                out().println("removed annotation." + key + " (was " + client.instances().removeAnnotation(id, key).value() + ")");
            }
            if (values.isEmpty() && remove.isEmpty()) {
                TextTable table = TextTable.withHeader("key", "value", "set_by", "set_at");
                client.instances().annotations(id).forEach(annotation -> table.row(annotation.key(), annotation.value(),
                        annotation.setBy(), annotation.setAt()));
                table.print(out());
            }
        }
    }

    @Command(name = "deprecate", description = "Mark an instance deprecated; it stays in the registry and its history.")
    static final class Deprecate extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The instance id.")
        UUID id;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for whoever finds it later.")
        String reason;

        @Override
        void execute(CarraraClient client) {
            Instance instance = client.instances().deprecate(id, reason);
            out().println("deprecated instance " + instance.id() + " of " + instance.model() + ": "
                    + instance.deprecatedReason());
            // Deprecation does not touch deployments: say which still serve the instance and how to move them.
            for (io.carrara.api.deploy.Deployment deployment : client.deployments().list()) {
                boolean serves = deployment.routing() instanceof io.carrara.api.deploy.Routing.Pinned pinned
                        ? id.equals(pinned.instance())
                        : deployment.routing() instanceof io.carrara.api.deploy.Routing.Partitioned partitioned
                                && (id.equals(partitioned.fallback()) || partitioned.instances().containsValue(id));
                if (serves) {
                    err().println("warning: deployment " + deployment.name() + " still serves this instance; redeploy it"
                            + " with another (carrara deploy " + deployment.name() + " --model " + deployment.model()
                            + " --latest, or --instance ID)");
                }
            }
        }
    }
}
