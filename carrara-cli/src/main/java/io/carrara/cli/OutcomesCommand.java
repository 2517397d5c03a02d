package io.carrara.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.carrara.api.monitoring.NewOutcome;
import io.carrara.api.monitoring.OutcomeLoad;
import io.carrara.client.CarraraClient;
import io.carrara.client.CarraraJson;
import io.carrara.client.MonitoringClient;
import io.carrara.monitoring.OutcomeKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code carrara outcomes load NAME FILE}: observed outcomes of a deployment's predictions, from a JSON Lines or CSV file. */
@Command(name = "outcomes", description = "Send the observed outcomes of a deployment's predictions (labels, actual values).",
        subcommands = {OutcomesCommand.Load.class})
final class OutcomesCommand extends GroupCommand {
    private static final ObjectMapper JSON = CarraraJson.newObjectMapper();

    @Command(name = "load", description = {
        "Load outcomes from FILE, in batches, with a progress bar on a terminal: JSON Lines (.jsonl) with one",
        "{\"predictionId\": \"…\", \"outcome\": 1, \"observedAt\": \"2026-12-07T10:00:00Z\"} per line, or CSV (.csv) with the",
        "columns predictionId (or prediction_id), outcome and optionally observedAt (or observed_at).",
        "For a deployment with an outcome key (carrara monitor configure NAME --outcome-key trip_id), rows may name the",
        "key instead of the prediction id: a field or column key, or the one --key names (--key trip_id).",
        "--table ml.trip_labels [--where COND] reads the rows from a table of the server's catalog instead of FILE.",
        "A bad row is refused alone and named by its line; the others are stored. A later outcome of the same prediction",
        "replaces the earlier one (counted as a duplicate); one whose prediction is not logged (yet) is kept (an orphan).",
        "Exit status 0 when every row was accepted, 1 when some were refused (the others are stored)."})
    static final class Load extends ClientCommand {
        private static final int SHOWN_PROBLEMS = 20;

        @Parameters(index = "0", paramLabel = "NAME", description = "The deployment (carrara monitor configure NAME first).")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "A .jsonl or .csv file.")
        Path file;

        @CommandLine.Mixin
        TableSource tableSource = new TableSource();

        @Option(names = "--format", paramLabel = "jsonl|csv", description = "The file's format (default: from its extension).")
        String format;

        @Option(names = "--key", paramLabel = "COLUMN",
                description = "The field or column holding the outcome key's value (default: key, when a row has it).")
        String keyColumn;

        @Option(names = "--outcome", paramLabel = "COLUMN", description = "The field or column holding the outcome (default:"
                + " outcome).")
        String outcomeColumn = "outcome";

        @Option(names = "--batch-size", paramLabel = "N", hidden = true, description = "Outcomes per request (tests).")
        int batchSize = MonitoringClient.MAX_OUTCOMES_PER_REQUEST;

        private int received;
        private int accepted;
        private int duplicates;
        private int orphans;
        private int rejected;
        private final List<String> problems = new ArrayList<>();
        private String unit = "line";

        @Override
        void execute(CarraraClient client) throws IOException {
            tableSource.check(file, spec);
            if (batchSize < 1 || batchSize > MonitoringClient.MAX_OUTCOMES_PER_REQUEST) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be 1 to "
                        + MonitoringClient.MAX_OUTCOMES_PER_REQUEST);
            }
            if (tableSource.given()) {
                try (TableRowsFile rows = tableSource.export(client)) {
                    unit = "row";
                    load(client, rows.file(), "jsonl", tableSource.table);
                }
                return;
            }
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "FILE " + file + " is not a file");
            }
            String chosen = format != null ? format : file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv"
                    : "jsonl";
            if (!chosen.equals("jsonl") && !chosen.equals("csv")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format must be jsonl or csv, not " + chosen);
            }
            load(client, file, chosen, file.getFileName().toString());
        }

        private void load(CarraraClient client, Path file, String chosen, String source) throws IOException {
            try (TransferBar bar = TransferBar.on(err(), "loading " + source);
                    CountingInput in = new CountingInput(Files.newInputStream(file))) {
                bar.start(Files.size(file));
                Batch batch = new Batch();
                if (chosen.equals("csv")) {
                    readCsv(in, batch, client, bar);
                } else {
                    readJsonLines(in, batch, client, bar);
                }
                send(client, batch, bar, in);
            }
            out().println("loaded " + received + " outcome" + (received == 1 ? "" : "s") + " for " + name + ": " + accepted
                    + " accepted (" + duplicates + " duplicate" + (duplicates == 1 ? "" : "s") + ", " + orphans + " without a logged"
                    + " prediction yet), " + rejected + " refused");
            problems.stream().limit(SHOWN_PROBLEMS).forEach(problem -> err().println(problem));
            if (rejected > problems.stream().limit(SHOWN_PROBLEMS).count()) {
                err().println("… and " + (rejected - Math.min(problems.size(), SHOWN_PROBLEMS)) + " more refused rows");
            }
            if (rejected > 0) {
                exitCode = FAILED;   // the accepted rows are stored; the refused ones are named above
            }
        }

        /** The outcomes of one request, with the file line of each. */
        private static final class Batch {
            final List<NewOutcome> outcomes = new ArrayList<>();
            final List<Integer> lines = new ArrayList<>();
        }

        private void readJsonLines(CountingInput in, Batch batch, CarraraClient client, TransferBar bar) throws IOException {
            BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            int line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (IOException e) {
                    refuse(line, "not a JSON object");
                    continue;
                }
                if (!node.isObject()) {
                    refuse(line, "not a JSON object");
                    continue;
                }
                JsonNode key = node.get(keyColumn != null ? keyColumn : "key");
                // A value that is no key (a boolean, over 256 characters) goes as it is, for the server to name the problem.
                String keyText = key == null || key.isNull() ? null
                        : OutcomeKeys.text(key).orElse(key.isValueNode() ? key.asText() : key.toString());
                add(batch, line, keyColumn != null ? null : text(node.get("predictionId")), keyText,
                        value(node.get(outcomeColumn)), text(node.get("observedAt")), client, bar, in);
            }
        }

        private void readCsv(CountingInput in, Batch batch, CarraraClient client, TransferBar bar) throws IOException {
            CsvMapper csv = new CsvMapper();
            try (MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(in)) {
                int line = 1;   // the header; cells spanning lines are not expected in an outcomes file
                while (rows.hasNextValue()) {
                    Map<String, String> row = rows.nextValue();
                    line++;
                    String key = row.get(keyColumn != null ? keyColumn : "key");
                    String id = keyColumn != null ? null : row.containsKey("predictionId") ? row.get("predictionId")
                            : row.get("prediction_id");
                    String observed = row.containsKey("observedAt") ? row.get("observedAt") : row.get("observed_at");
                    if (!row.containsKey(outcomeColumn) || id == null && key == null) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "the CSV file needs the columns "
                                + (keyColumn != null ? keyColumn : "predictionId (or prediction_id, or key)") + " and " + outcomeColumn
                                + "; it has " + row.keySet());
                    }
                    add(batch, line, id, key == null || key.isEmpty() ? null : key, RowFiles.cell(row.get(outcomeColumn)),
                            observed == null || observed.isEmpty() ? null : observed, client, bar, in);
                }
            }
        }

        private void add(Batch batch, int line, String predictionId, String key, Object outcome, String observedAt,
                CarraraClient client, TransferBar bar, CountingInput in) {
            batch.outcomes.add(new NewOutcome(predictionId, key, outcome, observedAt));
            batch.lines.add(line);
            if (batch.outcomes.size() == batchSize) {
                send(client, batch, bar, in);
            }
        }

        private void send(CarraraClient client, Batch batch, TransferBar bar, CountingInput in) {
            if (batch.outcomes.isEmpty()) {
                return;
            }
            OutcomeLoad load = client.monitoring().loadOutcomes(name, batch.outcomes);
            received += load.received();
            accepted += load.accepted();
            duplicates += load.duplicates();
            orphans += load.orphans();
            rejected += load.rejected();
            for (OutcomeLoad.Problem problem : load.problems()) {
                problems.add(unit + " " + batch.lines.get(problem.index()) + ": " + problem.reason());
            }
            batch.outcomes.clear();
            batch.lines.clear();
            bar.accept(in.count());
        }

        private void refuse(int line, String reason) {
            received++;
            rejected++;
            problems.add(unit + " " + line + ": " + reason);
        }

        private static String text(JsonNode node) {
            return node == null || node.isNull() ? null : node.isValueNode() ? node.asText() : node.toString();
        }

        private static Object value(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            return JSON.convertValue(node, Object.class);
        }
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
