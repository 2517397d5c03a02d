package io.carrara.serving.features;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.carrara.spi.error.CarraraException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads features in bulk from JSON Lines or CSV into a {@link FeatureStore}, streaming, in batches
 * of {@link #BATCH_SIZE} entities. {@code keyColumn} names the field holding each row's entity
 * key; every other field is a feature. A bad row is reported with its line number and skipped; the
 * others load. A bad header (CSV) or an input that cannot be read on raises {@code INVALID_ARGUMENT}.
 *
 * <p>JSON Lines: one object per line, values as in {@link FeatureValues}, a null removes the
 * feature; blank lines are skipped. CSV: a header row, then one entity per row; a cell is a long
 * ({@code 12}, no leading zeros), a double ({@code 4.8}, {@code 1e-3}), a boolean ({@code true},
 * {@code false}), a JSON array ({@code [1,2]}), else a string; an empty cell leaves the feature as it is.
 */
public final class FeatureFileLoader {
    public static final int BATCH_SIZE = 500;
    public static final int MAX_REPORTED_ERRORS = 1000;
    /** Columns a CSV header may name: a feature group is read by name, and no real group has more. */
    public static final int MAX_COLUMNS = 10_000;
    /** Characters of one JSON Lines line (an entity with its features); a longer one is refused, not buffered whole. */
    public static final int MAX_LINE_CHARS = 1 << 20;
    /** Characters of a reported line error, so a report stays small whatever the input holds. */
    private static final int MAX_ERROR_CHARS = 300;

    private static final Pattern LONG = Pattern.compile("-?(0|[1-9][0-9]{0,18})");
    private static final Pattern DOUBLE = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private final FeatureStore store;

    public FeatureFileLoader(FeatureStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** Reads {@code input} (UTF-8) to its end and writes its rows into {@code group}. */
    public FeatureLoadReport load(String group, String keyColumn, FeatureFileFormat format, InputStream input) {
        FeatureValues.checkGroup(group);
        requireNonNull(format, "format is null");
        requireNonNull(input, "input is null");
        if (keyColumn == null || keyColumn.isBlank()) {
            throw new CarraraException(INVALID_ARGUMENT,
                    "key is required: the name of the column holding each row's entity key, e.g. driver_id", "key");
        }
        Reader reader = new InputStreamReader(input, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
        Batch batch = new Batch(group);
        try {
            if (format == FeatureFileFormat.JSONL) {
                loadJsonLines(new BufferedReader(reader, 64 * 1024), keyColumn, batch);
            } else {
                loadCsv(reader, keyColumn, batch);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            batch.flush();
            throw new CarraraException(INVALID_ARGUMENT, "the " + format + " input is not UTF-8 text after line "
                    + batch.lastLine + "; " + batch.loaded + " rows were loaded before it", "body");
        } catch (IOException e) {
            batch.flush();
            throw new UncheckedIOException("cannot read the " + format + " input after line " + batch.lastLine
                    + ": " + e.getMessage(), e);
        }
        batch.flush();
        return new FeatureLoadReport(batch.loaded, batch.failed, batch.errors, batch.failed > batch.errors.size());
    }

    private static void loadJsonLines(BufferedReader reader, String keyColumn, Batch batch) throws IOException {
        long line = 0;
        StringBuilder buffer = new StringBuilder();
        for (boolean more = readLine(reader, buffer); more; more = readLine(reader, buffer)) {
            line++;
            batch.lastLine = line;
            if (buffer.length() > MAX_LINE_CHARS) {
                batch.reject(line, new CarraraException(INVALID_ARGUMENT, "the line is longer than " + MAX_LINE_CHARS
                        + " characters; split the entity's features over several lines", null));
                continue;
            }
            String text = buffer.toString();
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode row;
                try {
                    row = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new CarraraException(INVALID_ARGUMENT, "not valid JSON: " + e.getOriginalMessage(), null);
                }
                if (row == null || !row.isObject()) {
                    throw new CarraraException(INVALID_ARGUMENT, "a line must be one JSON object", null);
                }
                JsonNode keyNode = row.get(keyColumn);
                String key;
                if (keyNode == null || keyNode.isNull()) {
                    throw new CarraraException(INVALID_ARGUMENT, "the key column " + keyColumn + " is missing", keyColumn);
                } else if (keyNode.isTextual() || keyNode.isIntegralNumber()) {
                    key = keyNode.asText();
                } else {
                    throw new CarraraException(INVALID_ARGUMENT,
                            "the key column " + keyColumn + " must be a string or a whole number", keyColumn);
                }
                Map<String, Object> features = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!field.getKey().equals(keyColumn)) {
                        features.put(FeatureValues.checkFeature(field.getKey()),
                                FeatureValues.fromJson(field.getKey(), field.getValue()));
                    }
                }
                batch.add(line, key, features);
            } catch (CarraraException e) {
                batch.reject(line, e);
            }
        }
    }

    /**
     * Reads one line (without its terminator) into {@code line}; false at the end of the input. Keeps at
     * most {@link #MAX_LINE_CHARS} + 1 characters of a longer line and skips the rest, so one huge line
     * cannot take the server's memory.
     */
    private static boolean readLine(BufferedReader reader, StringBuilder line) throws IOException {
        line.setLength(0);
        int c = reader.read();
        if (c < 0) {
            return false;
        }
        while (c >= 0 && c != '\n') {
            if (line.length() <= MAX_LINE_CHARS) {
                line.append((char) c);
            }
            c = reader.read();
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r' && line.length() <= MAX_LINE_CHARS) {
            line.setLength(line.length() - 1);
        }
        return true;
    }

    private static void loadCsv(Reader reader, String keyColumn, Batch batch) throws IOException {
        try (MappingIterator<List<String>> rows = CSV.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .readValues(reader)) {
            List<String> header;
            try {
                if (!rows.hasNextValue()) {
                    throw new CarraraException(INVALID_ARGUMENT, "the CSV input is empty; it needs a header row", "body");
                }
                header = rows.nextValue();
            } catch (RuntimeException | IOException e) {
                if (e instanceof CarraraException carrara) {
                    throw carrara;
                }
                // e.g. a header longer than the parser's limits, or an unclosed quote in it.
                throw new CarraraException(INVALID_ARGUMENT, "the CSV header cannot be read: "
                        + cut(String.valueOf(e.getMessage()).lines().findFirst().orElse("")), "header");
            }
            if (header.size() > MAX_COLUMNS) {
                throw new CarraraException(INVALID_ARGUMENT, "the CSV header names " + header.size() + " columns, more than "
                        + MAX_COLUMNS + "; load the features in several groups", "header");
            }
            int keyIndex = checkHeader(header, keyColumn);
            long line = 1;
            long nextRowLine = rows.getCurrentLocation().getLineNr();
            while (true) {
                List<String> cells;
                try {
                    if (!rows.hasNextValue()) {
                        break;
                    }
                    cells = rows.nextValue();
                    // The parser now stands where the next row starts, also after a quoted cell spanning lines.
                    line = nextRowLine;
                    nextRowLine = rows.getCurrentLocation().getLineNr();
                } catch (RuntimeException | IOException e) {
                    // The CSV structure itself is broken (an unclosed quote): nothing after it can be trusted.
                    batch.reject(nextRowLine, new CarraraException(INVALID_ARGUMENT,
                            "the CSV cannot be read from here on: " + e.getMessage().lines().findFirst().orElse("")
                                    + "; fix the file and load again", null));
                    return;
                }
                batch.lastLine = line;
                if (cells.size() == 1 && cells.get(0).isBlank()) {
                    continue;
                }
                try {
                    if (cells.size() != header.size()) {
                        throw new CarraraException(INVALID_ARGUMENT,
                                "the row has " + cells.size() + " cells but the header has " + header.size(), null);
                    }
                    String key = cells.get(keyIndex);
                    if (key.isEmpty()) {
                        throw new CarraraException(INVALID_ARGUMENT, "the key column " + keyColumn + " is empty", keyColumn);
                    }
                    Map<String, Object> features = new LinkedHashMap<>();
                    for (int i = 0; i < cells.size(); i++) {
                        if (i != keyIndex && !cells.get(i).isEmpty()) {
                            features.put(header.get(i), cellValue(header.get(i), cells.get(i)));
                        }
                    }
                    batch.add(line, key, features);
                } catch (CarraraException e) {
                    batch.reject(line, e);
                }
            }
        }
    }

    private static int checkHeader(List<String> header, String keyColumn) {
        Set<String> seen = new HashSet<>();
        int keyIndex = -1;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            header.set(i, name);
            if (!seen.add(name)) {
                throw new CarraraException(INVALID_ARGUMENT, "the CSV header names column " + cut(name) + " twice", "header");
            }
            if (name.equals(keyColumn)) {
                keyIndex = i;
            } else {
                try {
                    FeatureValues.checkFeature(name);
                } catch (CarraraException e) {
                    throw new CarraraException(INVALID_ARGUMENT, "the CSV header: " + e.getMessage(), "header");
                }
            }
        }
        if (keyIndex < 0) {
            String shown = header.size() <= 20 ? header.toString()
                    : header.subList(0, 20).toString().replace("]", ", … (" + header.size() + " in all)]");
            throw new CarraraException(INVALID_ARGUMENT,
                    "the CSV header has no column " + cut(keyColumn) + " (the key); its columns are " + cut(shown), "key");
        }
        return keyIndex;
    }

    private static String cut(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "…";
    }

    /** A CSV cell's typed value; CSV has no types, so the text decides. */
    static Object cellValue(String feature, String cell) {
        String text = cell.strip();
        if (LONG.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return Double.parseDouble(text);
            }
        }
        if (DOUBLE.matcher(text).matches()) {
            return FeatureValues.normalize(feature, Double.parseDouble(text));
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            try {
                return FeatureValues.fromJson(feature, JSON.readTree(text));
            } catch (JsonProcessingException e) {
                throw new CarraraException(INVALID_ARGUMENT,
                        "feature " + feature + " looks like a JSON array but is not valid JSON: " + e.getOriginalMessage(),
                        feature);
            }
        }
        return cell;
    }

    /** Rows waiting to be written, and the counts so far. */
    private final class Batch {
        private final String group;
        private final Map<String, Map<String, Object>> pending = new LinkedHashMap<>();
        private final List<FeatureLoadReport.LineError> errors = new ArrayList<>();
        private long pendingRows;
        private long loaded;
        private long failed;
        private long lastLine;

        Batch(String group) {
            this.group = group;
        }

        void add(long line, String key, Map<String, Object> features) {
            FeatureValues.checkKey(key);
            // Within a batch a later row of the same key merges over the earlier, as two writes would.
            pending.merge(key, features, (earlier, later) -> {
                Map<String, Object> merged = new LinkedHashMap<>(earlier);
                merged.putAll(later);
                return merged;
            });
            pendingRows++;
            if (pending.size() >= BATCH_SIZE) {
                flush();
            }
        }

        void reject(long line, CarraraException e) {
            failed++;
            if (errors.size() < MAX_REPORTED_ERRORS) {
                errors.add(new FeatureLoadReport.LineError(line, e.field().orElse(null), cut(e.getMessage())));
            }
        }

        void flush() {
            if (!pending.isEmpty()) {
                store.putAll(group, pending);
                loaded += pendingRows;
                pending.clear();
                pendingRows = 0;
            }
        }
    }
}
