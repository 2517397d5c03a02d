package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carrara.api.feature.FeatureEntity;
import io.carrara.api.feature.FeatureLoadReport;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import io.carrara.spi.error.CarraraException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara features put|get|delete|load}: the online feature store. */
@Command(name = "features", description = "Write, read and bulk-load the online features that deployments look up by key.",
        subcommands = {FeatureCommand.Put.class, FeatureCommand.Get.class, FeatureCommand.Delete.class,
            FeatureCommand.Load.class})
final class FeatureCommand extends GroupCommand {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Command(name = "put", description = {
        "Merge features into one entity, e.g. carrara features put driver_stats d42 '{\"trips_7d\": 12}'.",
        "A null value removes that feature."})
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "Feature group, e.g. driver_stats.")
        String group;

        @Parameters(index = "1", paramLabel = "KEY", description = "The entity's key, e.g. a driver id.")
        String key;

        @Parameters(index = "2", paramLabel = "JSON", description = "A JSON object of features.")
        String features;

        @Override
        void execute(CarraraClient client) throws JsonProcessingException {
            Map<String, Object> values;
            try {
                values = JSON.readValue(features, new TypeReference<Map<String, Object>>() {});
            } catch (JsonProcessingException e) {
                throw new CarraraException(INVALID_ARGUMENT, "JSON must be an object of features like '{\"trips_7d\": 12}': "
                        + e.getOriginalMessage(), "features");
            }
            if (values == null) {
                throw new CarraraException(INVALID_ARGUMENT, "JSON must be an object of features, not null", "features");
            }
            out().println(JSON.writeValueAsString(client.features().put(group, key, values).features()));
        }
    }

    @Command(name = "get", description = "Print an entity's features as one JSON object.")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "Feature group, e.g. driver_stats.")
        String group;

        @Parameters(index = "1", paramLabel = "KEY", description = "The entity's key.")
        String key;

        @Option(names = "--features", paramLabel = "NAME", split = ",",
                description = "Only these features, comma-separated; a missing one prints as null.")
        List<String> features = new ArrayList<>();

        @Override
        void execute(CarraraClient client) throws JsonProcessingException {
            FeatureEntity entity = client.features().get(group, key, features);
            out().println(JSON.writeValueAsString(entity.features()));
        }
    }

    @Command(name = "delete", description = "Remove an entity and all its features.")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "Feature group.")
        String group;

        @Parameters(index = "1", paramLabel = "KEY", description = "The entity's key.")
        String key;

        @Override
        void execute(CarraraClient client) {
            client.features().delete(group, key);
            out().println("deleted " + group + "/" + key);
        }
    }

    @Command(name = "load", description = {
        "Bulk-load features from a JSON Lines or CSV file (with a header row), streaming it to the server.",
        "Bad rows are reported with their line numbers and the others load; the exit code is 1 if any failed."})
    static final class Load extends ClientCommand {
        @Parameters(index = "0", paramLabel = "GROUP", description = "Feature group, e.g. driver_stats.")
        String group;

        @Parameters(index = "1", paramLabel = "FILE", description = "A .jsonl or .csv file.")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "COLUMN",
                description = "The column holding each row's entity key, e.g. driver_id.")
        String keyColumn;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "jsonl or csv (default: from the file's extension).")
        String format;

        @Override
        void execute(CarraraClient client) {
            String chosen = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(file);
            FeatureLoadReport report;
            try (TransferBar bar = TransferBar.on(err(), "loading " + file.getFileName())) {
                report = client.features().load(group, file, keyColumn, chosen, bar);
            }
            for (FeatureLoadReport.LineError error : report.errors()) {
                err().println("line " + error.line() + ": " + error.message()
                        + (error.field() == null ? "" : " (field: " + error.field() + ")"));
            }
            if (report.errorsTruncated()) {
                err().println("… and " + (report.failed() - report.errors().size()) + " more failed lines");
            }
            out().println("loaded " + report.loaded() + " rows into " + group + ", " + report.failed() + " failed");
            if (report.failed() > 0) {
                throw new CarraraException(INVALID_ARGUMENT, report.failed() + " rows of " + file
                        + " failed to load; fix the lines above and load the file again", "file");
            }
        }

        private static String formatOf(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".csv")) {
                return "csv";
            }
            if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
                return "jsonl";
            }
            throw new CarraraException(INVALID_ARGUMENT,
                    "cannot tell the format of " + file + " from its name; pass --format jsonl or --format csv", "format");
        }
    }
}
