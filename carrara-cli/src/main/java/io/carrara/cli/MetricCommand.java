package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.api.registry.Metric;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import io.carrara.client.MetricDefinition;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code carrara metric add|list}. */
@Command(name = "metric", description = "Record and list an instance's metrics.",
        subcommands = {MetricCommand.Add.class, MetricCommand.Listing.class})
final class MetricCommand extends GroupCommand {

    @Command(name = "add",
            description = {
                "Record a metric of an instance: a number (VALUE) or structured JSON such as a curve (--file).",
                "Metrics are append-only; recording a name again adds a newer value."
            })
    static final class Add extends ClientCommand {
        // JSON's number syntax: Java would also take "NaN", "0x1p3" or "4.2d", which JSON cannot carry.
        private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

        @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
        UUID instance;

        @Parameters(index = "1", paramLabel = "NAME", description = "Metric name, e.g. mae.")
        String name;

        @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE", description = "A number, e.g. 4.2.")
        String value;

        @Option(names = "--file", paramLabel = "FILE", description = "A JSON file with structured data instead of VALUE.")
        Path file;

        @Option(names = "--scope", paramLabel = "SCOPE", description = "training, validation or production.")
        String scope;

        @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata such as window=7d; repeat for several.")
        Map<String, String> metadata = new LinkedHashMap<>();

        @Override
        void execute(CarraraClient client) {
            if ((value == null) == (file == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        value == null ? "Missing VALUE or --file FILE" : "Pass either VALUE or --file FILE, not both");
            }
            MetricDefinition definition = value != null
                    ? MetricDefinition.numeric(name, scope, parseNumber(value), metadata)
                    : MetricDefinition.structured(name, scope, readJson(file), metadata);
            Metric metric = client.instances().addMetric(instance, definition);
            out().println("recorded " + metric.name() + " = " + Display.metricValue(metric)
                    + " (" + metric.scope() + ") for instance " + metric.instance());
        }

        private static double parseNumber(String text) {
            String trimmed = text.strip();
            if (!JSON_NUMBER.matcher(trimmed).matches()) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "metric value '" + text + "' is not a number; pass one like 4.2 or 1e-3,"
                                + " or structured data with --file FILE.json",
                        "value");
            }
            double number = Double.parseDouble(trimmed);
            if (!Double.isFinite(number)) {
                throw new CarraraException(INVALID_ARGUMENT, "metric value '" + text + "' is too large", "value");
            }
            return number;
        }

        private static JsonNode readJson(Path file) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException("cannot read " + file + ": no such file", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            JsonNode data;
            try {
                data = CarraraJson.newObjectMapper().readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new CarraraException(INVALID_ARGUMENT, file + " is not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                                + ", column " + e.getLocation().getColumnNr()),
                        "file");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (data == null || data.isMissingNode() || data.isNull()) {
                throw new CarraraException(INVALID_ARGUMENT, file + " holds no JSON value", "file");
            }
            return data;
        }
    }

    @Command(name = "list", description = "List an instance's metrics, oldest first.")
    static final class Listing extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The instance id.")
        UUID instance;

        @Override
        void execute(CarraraClient client) {
            TextTable table = TextTable.withHeader("name", "scope", "value", "recorded_at", "recorded_by", "metadata");
            for (Metric metric : client.instances().listMetrics(instance)) {
                table.row(metric.name(), metric.scope(), Display.metricValue(metric), metric.recordedAt(),
                        metric.recordedBy(), Display.keyValues(metric.metadata()));
            }
            table.print(out());
        }
    }
}
