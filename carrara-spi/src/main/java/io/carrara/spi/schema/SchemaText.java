package io.carrara.spi.schema;

import static io.carrara.spi.error.StandardErrorCode.INVALID_ARGUMENT;

import io.carrara.spi.error.CarraraException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Column types written the way Spark's DDL writes them: {@code "city string, passengers int,
 * features vector(51)"}. {@code carrara score --schema} reads it, and so does an instance's
 * {@code inputSchema} metadata, which declares the columns a model takes.
 */
public final class SchemaText {
    private SchemaText() {}

    /**
     * The columns of {@code text} in order; blank text gives none. {@code field} names what the text
     * came from (e.g. {@code --schema}) in error messages and in the exception's field.
     */
    public static Schema parse(String text, String field) {
        List<Field> fields = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new Schema(fields);
        }
        Map<String, Field> seen = new LinkedHashMap<>();
        for (String column : splitColumns(text)) {
            String[] parts = column.trim().split("\\s+", 2);
            if (parts.length != 2 || parts[0].isEmpty()) {
                throw new CarraraException(INVALID_ARGUMENT,
                        field + " entry '" + column.trim() + "' is not 'name type', e.g. \"hour int, city string\"", field);
            }
            Field parsed = field(parts[0], parts[1].replace(" ", "").toLowerCase(Locale.ROOT), field);
            if (seen.put(parsed.name(), parsed) != null) {
                throw new CarraraException(INVALID_ARGUMENT, field + " names column " + parsed.name() + " twice", field);
            }
            fields.add(parsed);
        }
        return new Schema(fields);
    }

    /** The text {@link #parse} reads back into {@code schema}, e.g. {@code "city string, features vector(51)"}. */
    public static String format(Schema schema) {
        List<String> columns = new ArrayList<>();
        for (Field field : schema.fields()) {
            String type = switch (field.type()) {
                case STRING -> "string";
                case BOOLEAN -> "boolean";
                case BYTE -> "tinyint";
                case SHORT -> "smallint";
                case INTEGER -> "int";
                case LONG -> "bigint";
                case FLOAT -> "float";
                case DOUBLE -> "double";
                case VECTOR -> field.vectorSize().isPresent() ? "vector(" + field.vectorSize().getAsInt() + ")" : "vector";
                case STRING_ARRAY -> "array<string>";
                case DOUBLE_ARRAY -> "array<double>";
                default -> throw new IllegalArgumentException("column " + field.name() + " has type " + field.type()
                        + ", which a schema text cannot declare");
            };
            columns.add(field.name() + " " + type);
        }
        return String.join(", ", columns);
    }

    /** Splits on commas outside parentheses and angle brackets. */
    private static List<String> splitColumns(String text) {
        List<String> columns = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == '<') {
                depth++;
            } else if (c == ')' || c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                columns.add(text.substring(start, i));
                start = i + 1;
            }
        }
        columns.add(text.substring(start));
        return columns;
    }

    private static Field field(String name, String type, String field) {
        if (type.startsWith("vector(") && type.endsWith(")")) {
            String size = type.substring("vector(".length(), type.length() - 1);
            try {
                int parsed = Integer.parseInt(size);
                if (parsed >= 0) {
                    return new Field(name, DataType.VECTOR, OptionalInt.of(parsed));
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new CarraraException(INVALID_ARGUMENT,
                    field + " type '" + type + "' of column " + name + " needs a size that is a whole number, e.g. vector(51)", field);
        }
        DataType parsed = switch (type) {
            case "string" -> DataType.STRING;
            case "double" -> DataType.DOUBLE;
            case "float" -> DataType.FLOAT;
            case "int", "integer" -> DataType.INTEGER;
            case "bigint", "long" -> DataType.LONG;
            case "smallint", "short" -> DataType.SHORT;
            case "tinyint", "byte" -> DataType.BYTE;
            case "boolean" -> DataType.BOOLEAN;
            case "vector" -> DataType.VECTOR;
            case "array<string>" -> DataType.STRING_ARRAY;
            case "array<double>" -> DataType.DOUBLE_ARRAY;
            default -> throw new CarraraException(INVALID_ARGUMENT,
                    field + " type '" + type + "' of column " + name + " is not one of string, double, float, int,"
                            + " bigint, smallint, tinyint, boolean, vector, vector(N), array<string>, array<double>", field);
        };
        return new Field(name, parsed);
    }
}
