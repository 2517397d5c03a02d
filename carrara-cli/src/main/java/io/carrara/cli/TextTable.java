package io.carrara.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Left-aligned columns separated by two spaces, for people and for {@code awk} alike: one row per
 * line, no trailing spaces, and a missing value printed as {@code -} so columns never shift.
 */
final class TextTable {
    private static final String MISSING = "-";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    private TextTable(List<String> header) {
        this.header = header;
    }

    static TextTable withHeader(List<String> header) {
        return new TextTable(List.copyOf(header));
    }

    static TextTable withHeader(String... header) {
        return withHeader(Arrays.asList(header));
    }

    /** Two columns, name and value, without a header. */
    static TextTable keyValue() {
        return new TextTable(null);
    }

    TextTable row(List<?> values) {
        List<String> cells = new ArrayList<>(values.size());
        for (Object value : values) {
            cells.add(cell(value));
        }
        rows.add(cells);
        return this;
    }

    TextTable row(Object... values) {
        return row(Arrays.asList(values));
    }

    void print(PrintWriter out) {
        List<List<String>> lines = new ArrayList<>();
        if (header != null) {
            lines.add(header);
        }
        lines.addAll(rows);
        int columns = lines.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> line : lines) {
            for (int column = 0; column < line.size(); column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        for (List<String> line : lines) {
            StringBuilder text = new StringBuilder();
            for (int column = 0; column < line.size(); column++) {
                String value = line.get(column);
                text.append(value);
                if (column < line.size() - 1) {
                    text.append(" ".repeat(widths[column] - value.length() + 2));
                }
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private static String cell(Object value) {
        if (value == null) {
            return MISSING;
        }
        String text = value.toString();
        if (text.isEmpty()) {
            return MISSING;
        }
        // A line break or tab inside a value would break the row apart.
        return text.replaceAll("[\\t\\n\\r\\x0B\\f]", " ");
    }
}
