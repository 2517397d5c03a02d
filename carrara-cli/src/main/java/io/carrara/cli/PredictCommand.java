package io.carrara.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.api.error.ErrorBody;
import io.carrara.api.predict.PredictResponse;
import io.carrara.client.CarraraClient;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.error.StandardErrorCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code carrara predict}: JSON Lines through a deployment on the server, printed exactly as
 * {@code carrara score} prints them, for quick checks of what is deployed.
 */
@Command(
        name = "predict",
        description = {
            "Score JSON Lines with a deployment on the server, printing one JSON object per scored row, as carrara score does:"
                    + " the input fields plus every column the pipeline adds. Rows a skip stage drops are left out; a failing"
                    + " row is reported on stderr with its line number, and the command then exits with 1."
        },
        footerHeading = "%nExample:%n",
        footer = "  carrara predict fraud-scorer --input rows.jsonl --output scored.jsonl")
final class PredictCommand extends ClientCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BATCH = 500;

    @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "The deployment to call.")
    String deployment;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSON Lines, one object per row; - reads standard input.")
    String input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the scored rows (default: standard output). Written in full or not at all.")
    Path output;

    @Option(names = "--instance", paramLabel = "UUID", description = "Score with this instance of the deployment's model instead of its routing.")
    UUID instance;

    @Option(names = "--ids", description = "Write each row's prediction id first (predictionId, null when the row was not logged):"
            + " the id its outcome is sent with (carrara outcomes load).")
    boolean ids;

    private long scored;
    private long skipped;
    private long failed;

    @Override
    void execute(CarraraClient client) throws Exception {
        if (!"-".equals(input) && !Files.isRegularFile(Path.of(input))) {
            throw new CarraraException(StandardErrorCode.INVALID_ARGUMENT, "no such file " + input + "; check the path", "input");
        }
        try (BufferedReader reader = "-".equals(input) ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
                RowsOutput out = RowsOutput.open(output, out())) {
            Writer writer = out.writer();
            List<ObjectNode> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                java.util.Optional<ObjectNode> row;
                try {
                    row = ScoreCommand.parse(line);
                } catch (CarraraException e) {
                    fail(lineNumber, e.getMessage());
                    continue;
                }
                if (row.isEmpty()) {
                    fail(lineNumber, "not a JSON object; each line holds one row as {\"column\": value, ...}");
                    continue;
                }
                rows.add(row.get());
                lines.add(lineNumber);
                if (rows.size() == BATCH) {
                    send(client, rows, lines, writer);
                }
            }
            send(client, rows, lines, writer);
            out.complete();
        }
        err().println("scored " + scored + " rows, skipped " + skipped + ", failed " + failed + (output == null ? "" : "; wrote " + output));
        if (failed > 0) {
            exitCode = FAILED;
        }
    }

    private void send(CarraraClient client, List<ObjectNode> rows, List<Long> lines, Writer writer) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        PredictResponse answer = client.predictions().predict(deployment, rows, instance);
        for (int i = 0; i < rows.size(); i++) {
            Optional<ErrorBody> error = answer.error(i);
            if (error.isPresent()) {
                fail(lines.get(i), error.get().message()
                        + (error.get().column() != null ? " (column: " + error.get().column() + ")" : ""));
            } else if (answer.skipped(i)) {
                skipped++;
            } else {
                Object row = answer.predictions().get(i);
                if (ids) {
                    java.util.Map<String, Object> withId = new java.util.LinkedHashMap<>();
                    withId.put("predictionId", i < answer.predictionIds().size() ? answer.predictionIds().get(i) : null);
                    withId.putAll(answer.predictions().get(i));
                    row = withId;
                }
                writer.write(JSON.writeValueAsString(row));
                writer.write('\n');
                scored++;
            }
        }
        rows.clear();
        lines.clear();
    }

    private void fail(long line, String reason) {
        failed++;
        err().println("line " + line + ": " + reason);
    }
}
