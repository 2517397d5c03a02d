package io.carrara.cli;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.CompiledPipeline;
import io.carrara.pipeline.SparkPipeline;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.json.JsonRows;
import io.carrara.pipeline.json.JsonSchemaInference;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import io.carrara.spi.schema.SchemaText;
import io.carrara.spi.error.CarraraException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code carrara score}: scores JSON Lines with a saved Spark pipeline, in this process, without
 * a server. The input is read twice: once to infer the column types, once to score.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        versionProvider = CarraraCli.Version.class,
        description = {
            "Score JSON Lines with a Spark ML model saved by PipelineModel.save() (or a single saved model), without Spark or a server.",
            "Each output line is the input object plus every column the pipeline adds, under Spark's names; vectors are dense arrays,"
                    + " NaN and infinities the strings \"NaN\", \"Infinity\", \"-Infinity\". Rows a handleInvalid=skip stage drops are"
                    + " left out, as Spark does; a row that fails is reported on stderr with its line number, and the command then"
                    + " exits with 1."
        },
        footerHeading = "%nExample:%n",
        footer = "  carrara score --model models/trips --input trips.jsonl --output scored.jsonl")
final class ScoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Directory written by Spark's PipelineModel.save() or a single model's save().")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "JSON Lines, one object per row; - reads standard input.")
    String input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the scored rows (default: standard output). Written in full or not at all.")
    Path output;

    @Option(names = "--schema", paramLabel = "COLUMNS",
            description = "Types of input columns, overriding what the rows suggest, e.g. \"zone string, hour int, embedding vector\"."
                    + " Types: string, double, float, int, bigint, smallint, tinyint, boolean, vector, array<string>, array<double>.")
    String schema;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CarraraCli root = (CarraraCli) spec.root().userObject();
        try {
            return score(err);
        } catch (CarraraException e) {
            err.println("error: " + e.getMessage() + e.field().map(field -> " (field: " + field + ")").orElse(""));
            if (root.verbose()) {
                e.printStackTrace(err);
            }
            return ClientCommand.FAILED;
        } catch (IOException e) {
            err.println("error: " + describe(e));
            if (root.verbose()) {
                e.printStackTrace(err);
            }
            return ClientCommand.FAILED;
        } finally {
            err.flush();
            spec.commandLine().getOut().flush();
        }
    }

    private int score(PrintWriter err) throws IOException {
        Map<String, DataType> declared = parseSchema(schema);
        Input rows = Input.open(input);
        SparkPipeline pipeline = SparkPipeline.load(model);

        JsonSchemaInference inference = new JsonSchemaInference(declared);
        long total = 0;
        try (BufferedReader reader = rows.reader()) {
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                total++;
                Optional<ObjectNode> row;
                try {
                    row = parse(line);
                } catch (CarraraException e) {
                    continue; // reported with its line number when scoring
                }
                if (row.isPresent()) {
                    inference.observe(row.get(), lineNumber);
                }
            }
        }
        Schema inputSchema = inference.schema();
        CompiledPipeline compiled = compile(pipeline, inputSchema, inference);
        Map<String, DataType> types = new LinkedHashMap<>();
        inputSchema.fields().forEach(field -> types.put(field.name(), field.type()));
        List<Field> added = compiled.addedFields();

        long scored = 0;
        long skipped = 0;
        long failed = 0;
        try (BufferedReader reader = rows.reader();
                RowsOutput out = RowsOutput.open(output, spec.commandLine().getOut());
                ProgressBar bar = progressBar(err, total)) {
            Writer writer = out.writer();
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (bar != null) {
                    bar.step();
                }
                Optional<ObjectNode> row;
                try {
                    row = parse(line);
                } catch (CarraraException e) {
                    failed++;
                    err.println("line " + lineNumber + ": " + e.getMessage());
                    continue;
                }
                if (row.isEmpty()) {
                    failed++;
                    err.println("line " + lineNumber + ": not a JSON object; each line holds one row as {\"column\": value, ...}");
                    continue;
                }
                try {
                    Optional<Map<String, Object>> result = compiled.score(JsonRows.toRow(row.get(), types));
                    if (result.isEmpty()) {
                        skipped++;
                        continue;
                    }
                    writer.write(JSON.writeValueAsString(JsonRows.toJson(row.get(), result.get(), added)));
                    writer.write('\n');
                    scored++;
                } catch (RowException e) {
                    failed++;
                    err.println("line " + lineNumber + ": " + e.getMessage() + " (column: " + e.column() + ")");
                }
            }
            out.complete();
        }
        err.println("scored " + scored + " rows, skipped " + skipped + ", failed " + failed
                + (output == null ? "" : "; wrote " + output));
        return failed == 0 ? ClientCommand.OK : ClientCommand.FAILED;
    }

    /** The row, or empty for JSON that is not an object; throws for text that is not JSON. */
    static Optional<ObjectNode> parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return node instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    /** Compiles for the inferred schema; when that fails, says what the inference had to guess. */
    private static CompiledPipeline compile(SparkPipeline pipeline, Schema inputSchema, JsonSchemaInference inference) {
        try {
            return pipeline.compile(inputSchema);
        } catch (ModelException e) {
            StringBuilder hints = new StringBuilder();
            List<String> nullOnly = inference.nullOnlyFields();
            if (!nullOnly.isEmpty()) {
                hints.append("; the fields ").append(nullOnly).append(" are null in every row and were read as strings");
            }
            for (String conflict : inference.conflicts()) {
                hints.append("; ").append(conflict).append(" (the first type was taken)");
            }
            if (hints.isEmpty()) {
                throw e;
            }
            throw new ModelException(PipelineErrorCode.SCHEMA_MISMATCH, e.getMessage() + hints + ": declare the types with --schema");
        }
    }

    private ProgressBar progressBar(PrintWriter err, long total) {
        if (output == null || total < 10_000 || !TransferBar.stderrIsTerminal()) {
            return null;
        }
        return new ProgressBarBuilder()
                .setTaskName("scoring")
                .setInitialMax(total)
                .setUnit(" rows", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .setConsumer(new TransferBar.WriterConsumer(err))
                .build();
    }

    static Map<String, DataType> parseSchema(String text) {
        Map<String, DataType> types = new LinkedHashMap<>();
        SchemaText.parse(text, "--schema").fields().forEach(field -> types.put(field.name(), field.type()));
        return types;
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException missing) {
            return "no such file " + missing.getFile() + "; check the path";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** A file read twice, or standard input kept in memory so that it can be. */
    private record Input(Path file, String text) {
        static Input open(String name) throws IOException {
            if ("-".equals(name)) {
                return new Input(null, new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Path file = Path.of(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(name);
            }
            return new Input(file, null);
        }

        BufferedReader reader() throws IOException {
            return file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                    : new BufferedReader(new InputStreamReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                            StandardCharsets.UTF_8));
        }
    }
}
