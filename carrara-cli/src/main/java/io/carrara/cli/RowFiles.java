package io.carrara.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Rows of a local data file, as maps from column to value: CSV with a header (a cell that reads as a number is a number,
 * {@code true}/{@code false} a boolean, an empty cell null) or JSON Lines (one object per line).
 */
final class RowFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RowFiles() {}

    /** Calls {@code each} with every row of {@code file} (by its extension: .csv, else JSON Lines); answers how many. */
    static long forEach(Path file, Consumer<Map<String, Object>> each) throws IOException {
        long rows = 0;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            try (MappingIterator<Map<String, String>> cells = new CsvMapper().readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
                while (cells.hasNextValue()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    cells.nextValue().forEach((column, cell) -> row.put(column, cell(cell)));
                    each.accept(row);
                    rows++;
                }
            }
            return rows;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int line = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IOException(file.getFileName() + " line " + line + " is not JSON: " + e.getOriginalMessage(), e);
                }
                if (!node.isObject()) {
                    throw new IOException(file.getFileName() + " line " + line + " is not a JSON object");
                }
                Map<String, Object> row = new LinkedHashMap<>();
                node.fields().forEachRemaining(field -> row.put(field.getKey(), field.getValue().isNumber() ? field.getValue().asDouble()
                        : field.getValue().isBoolean() ? field.getValue().asBoolean() : field.getValue().isNull() ? null
                                : field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString()));
                each.accept(row);
                rows++;
            }
        }
        return rows;
    }

    /** A CSV cell as JSON would have it: a number, true/false, or text; empty is null. */
    static Object cell(String cell) {
        if (cell == null || cell.isEmpty()) {
            return null;
        }
        if (cell.equals("true") || cell.equals("false")) {
            return Boolean.valueOf(cell);
        }
        try {
            return Double.valueOf(cell.strip());
        } catch (NumberFormatException e) {
            return cell;
        }
    }
}
