package io.carrara.serving.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends predictions to a JSON Lines file, one object per prediction: {@code formatVersion}
 * ({@value #FORMAT_VERSION}), {@code id}, {@code deployment}, {@code instance}, {@code time}
 * (ISO-8601), {@code latencyMicros}, {@code input} and {@code output} with values as
 * {@code carrara score} prints them (vectors as arrays, NaN as "NaN"). Each batch is flushed before
 * the next is taken. For a server without a database, and for inspecting logs by hand.
 *
 * <p>A reader branches on {@link #formatVersion(JsonNode)}: lines written before the field existed
 * have none and are version 1, whose fields are exactly those above.
 */
public final class JsonLinesPredictionSink implements PredictionSink, AutoCloseable {
    /** The format of the lines written now; raise it when a field changes meaning or encoding. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter writer;

    public JsonLinesPredictionSink(Path file) throws IOException {
        this.file = requireNonNull(file, "file is null");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.writer = Files.newBufferedWriter(file, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void write(List<LoggedPrediction> batch) throws IOException {
        for (LoggedPrediction prediction : batch) {
            ObjectNode line = JSON.createObjectNode();
            line.put("formatVersion", FORMAT_VERSION);
            line.put("id", prediction.id());
            line.put("deployment", prediction.deployment());
            line.put("instance", prediction.instance().toString());
            line.put("time", prediction.time().toString());
            line.put("latencyMicros", prediction.latencyMicros());
            line.set("input", PredictionJson.object(prediction.input()));
            line.set("output", PredictionJson.object(prediction.output()));
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
        }
        writer.flush();
    }

    /**
     * The format version of a line read back: its {@code formatVersion}, or 1 for a line without one
     * (written before the field existed, in version 1's format).
     */
    public static int formatVersion(JsonNode line) {
        JsonNode version = line.get("formatVersion");
        return version == null || version.isNull() ? 1 : version.asInt();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
