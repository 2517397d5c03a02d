package io.carrara.python;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.carrara.spi.error.CarraraException;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Python model home folder, read and checked once against the contract (docs/python-models.md):
 * <pre>{@code
 * ModelHome home = ModelHome.read(Path.of("breast_cancer"));
 * home.inputSchema();   // the columns a request row must hold
 * home.warnings();      // e.g. requirements.txt: "scikit-learn" is not pinned with ==
 * }</pre>
 * Every refusal is a {@link CarraraException} with {@link PythonErrorCode#MODEL_HOME_INVALID} naming the
 * file and field ({@code carrara.yaml: inputs[2].type}) and what to write instead.
 */
public final class ModelHome {
    public static final String CONFIG = "carrara.yaml";
    public static final String MODEL = "model.py";
    public static final String REQUIREMENTS = "requirements.txt";
    public static final String PACKAGES = "packages.txt";
    public static final String SETUP = "setup.sh";
    public static final String VALIDATION = "validation";

    /** The only carrara.yaml format this reader knows. */
    public static final int FORMAT_VERSION = 1;

    /** What a model is called with: a pandas DataFrame of columns, or a dict of numpy tensors. */
    public enum Kind {
        DATAFRAME,
        TENSOR;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One declared input or output. Dataframe models: {@code type} is a column type ({@code double},
     * {@code array<string>}, ...) and {@code shape} is empty. Tensor models: {@code type} is the Open
     * Inference Protocol datatype ({@code FP64}, ...) and {@code shape} starts with -1, the batch dimension.
     */
    public record Column(String name, String type, List<Integer> shape) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            shape = List.copyOf(requireNonNull(shape, "shape is null"));
        }

        /** How many values one row holds: the product of the shape after the batch dimension (1 for scalars). */
        public int valuesPerRow() {
            int count = 1;
            for (int i = 1; i < shape.size(); i++) {
                count *= shape.get(i);
            }
            return count;
        }

        /** A tensor whose shape is [-1]: one scalar per row. */
        public boolean isScalarTensor() {
            return shape.size() == 1;
        }
    }

    /** How far an output may be from validation/expected.jsonl: {@code |a - e| <= absolute + relative * |e|}. */
    public record Tolerance(double absolute, double relative) {
        public Tolerance {
            if (!(absolute >= 0) || !(relative >= 0)) {
                throw new IllegalArgumentException("tolerances are not negative numbers: " + absolute + ", " + relative);
            }
        }
    }

    static final Set<String> DATAFRAME_TYPES =
            Set.of("boolean", "int", "bigint", "float", "double", "string", "array<double>", "array<string>");
    static final Set<String> TENSOR_TYPES = Set.of("BOOL", "INT32", "INT64", "FP32", "FP64", "BYTES");
    private static final Set<String> TOP_KEYS = Set.of("formatVersion", "kind", "python", "inputs", "outputs", "tolerance");
    private static final Pattern PYTHON_VERSION = Pattern.compile("3\\.(\\d{1,2})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,127}");
    private static final List<String> VALIDATION_INPUTS = List.of("input.jsonl", "input.csv", "input.parquet");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path directory;
    private final Kind kind;
    private final String python;
    private final List<Column> inputs;
    private final List<Column> outputs;
    private final Tolerance tolerance;
    private final List<String> warnings;

    private ModelHome(Path directory, Kind kind, String python, List<Column> inputs, List<Column> outputs,
            Tolerance tolerance, List<String> warnings) {
        this.directory = directory;
        this.kind = kind;
        this.python = python;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.tolerance = tolerance;
        this.warnings = List.copyOf(warnings);
    }

    /** Reads {@code dir/carrara.yaml} and checks the folder holds model.py, requirements.txt and validation/. */
    public static ModelHome read(Path dir) {
        return read(dir, true);
    }

    /**
     * Reads {@code dir/carrara.yaml} and checks what an environment is built from (requirements.txt,
     * packages.txt), but not model.py or validation/: a home being trained has its environment before
     * its artifacts and validation rows ({@code carrara python env}).
     */
    public static ModelHome readForEnvironment(Path dir) {
        return read(dir, false);
    }

    private static ModelHome read(Path dir, boolean complete) {
        requireNonNull(dir, "dir is null");
        Path directory = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw invalid(null, "the model home " + directory.getFileName() + " is not a folder; point at the folder that holds "
                    + CONFIG + " and " + MODEL);
        }
        Path config = directory.resolve(CONFIG);
        if (!Files.isRegularFile(config)) {
            throw invalid(CONFIG, CONFIG + " is missing from the model home; write one with formatVersion, kind, python, inputs and outputs"
                    + " (docs/python-models.md)");
        }
        JsonNode root;
        try {
            root = YAML.readTree(config.toFile());
        } catch (IOException e) {
            throw new CarraraException(PythonErrorCode.MODEL_HOME_INVALID,
                    CONFIG + ": not valid YAML: " + firstLine(e.getMessage()), CONFIG, e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(CONFIG, CONFIG + ": must be a mapping with formatVersion, kind, python, inputs and outputs");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_KEYS.contains(name)) {
                throw invalid(name, CONFIG + ": " + name + " is not a known key; the keys are " + String.join(", ",
                        List.of("formatVersion", "kind", "python", "inputs", "outputs", "tolerance")));
            }
        }
        JsonNode format = root.get("formatVersion");
        if (format == null || !format.isInt() || format.intValue() != FORMAT_VERSION) {
            throw invalid("formatVersion", CONFIG + ": formatVersion must be " + FORMAT_VERSION
                    + (format == null ? " and is missing" : ", not " + format));
        }
        Kind kind = readKind(root.get("kind"));
        String python = readPython(root.get("python"));
        List<Column> inputs = readColumns(root.get("inputs"), "inputs", kind);
        List<Column> outputs = readColumns(root.get("outputs"), "outputs", kind);
        Tolerance tolerance = readTolerance(root.get("tolerance"));

        if (complete && !Files.isRegularFile(directory.resolve(MODEL))) {
            throw invalid(MODEL, MODEL + " is missing from the model home; it holds one class deriving from carrara."
                    + (kind == Kind.DATAFRAME ? "DataFrameModel" : "TensorModel"));
        }
        if (!Files.isRegularFile(directory.resolve(REQUIREMENTS))) {
            throw invalid(REQUIREMENTS, REQUIREMENTS + " is missing from the model home; list the model's pip requirements pinned with =="
                    + " (an empty file when it needs none beyond numpy, pandas and pyarrow)");
        }
        Path validation = directory.resolve(VALIDATION);
        if (complete && VALIDATION_INPUTS.stream().noneMatch(name -> Files.isRegularFile(validation.resolve(name)))) {
            throw invalid(VALIDATION, VALIDATION + "/input.jsonl (or input.csv, input.parquet) is missing: the model's own rows are"
                    + " how every runtime proves it answers the same");
        }
        if (complete && !Files.isRegularFile(validation.resolve("expected.jsonl"))) {
            throw invalid(VALIDATION, VALIDATION + "/expected.jsonl is missing: write the declared outputs the validation rows must give,"
                    + " one JSON object a line");
        }
        List<String> warnings = new ArrayList<>();
        List<String> unpinned = unpinnedRequirements(readText(directory.resolve(REQUIREMENTS)));
        for (String requirement : unpinned) {
            warnings.add(REQUIREMENTS + ": \"" + requirement + "\" is not pinned with ==; pin it so that every environment built"
                    + " from this model gets the same version");
        }
        Path packages = directory.resolve(PACKAGES);
        if (Files.isRegularFile(packages)) {
            int number = 0;
            for (String line : readText(packages).split("\n", -1)) {
                number++;
                String name = stripComment(line);
                if (!name.isEmpty() && !SystemPackages.isValidName(name)) {
                    throw invalid(PACKAGES, PACKAGES + ": line " + number + " \"" + name + "\" is not a Debian package name;"
                            + " write one package a line, # for comments");
                }
            }
        }
        return new ModelHome(directory, kind, python, inputs, outputs, tolerance, warnings);
    }

    public Path directory() {
        return directory;
    }

    public Kind kind() {
        return kind;
    }

    /** The major.minor of the interpreter the model needs, e.g. {@code 3.11}. */
    public String python() {
        return python;
    }

    public List<Column> inputs() {
        return inputs;
    }

    public List<Column> outputs() {
        return outputs;
    }

    public Tolerance tolerance() {
        return tolerance;
    }

    /** The validation rows' file: validation/input.jsonl, input.csv or input.parquet, the first that exists. */
    public java.util.Optional<Path> validationInput() {
        Path validation = directory.resolve(VALIDATION);
        return VALIDATION_INPUTS.stream().map(validation::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** Things that work but should be fixed, e.g. requirements not pinned with {@code ==}. */
    public List<String> warnings() {
        return warnings;
    }

    /** The Debian packages packages.txt lists, in file order. */
    public List<String> systemPackages() {
        Path packages = directory.resolve(PACKAGES);
        if (!Files.isRegularFile(packages)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String line : readText(packages).split("\n", -1)) {
            String name = stripComment(line);
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** The rows a request sends, as the server's schema: see {@link #schemaOf}. */
    public Schema inputSchema() {
        return schemaOf(inputs);
    }

    /** The columns the model answers, as the server's schema. */
    public Schema outputSchema() {
        return schemaOf(outputs);
    }

    /** The bytes of a file of the home, or none (an empty array) when it is absent: how the environment hash reads them. */
    byte[] bytesOf(String file) {
        Path path = directory.resolve(file);
        try {
            return Files.isRegularFile(path) ? Files.readAllBytes(path) : new byte[0];
        } catch (IOException e) {
            throw invalid(file, file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Dataframe columns map type for type; a tensor is one column: DOUBLE (BOOLEAN, STRING) for shape [-1],
     * DOUBLE_ARRAY (STRING_ARRAY) for any other shape, its row's values flattened.
     */
    private Schema schemaOf(List<Column> columns) {
        List<Field> fields = new ArrayList<>();
        for (Column column : columns) {
            fields.add(new Field(column.name(), kind == Kind.DATAFRAME ? dataframeType(column.type()) : tensorType(column)));
        }
        return new Schema(fields);
    }

    private static DataType dataframeType(String type) {
        return switch (type) {
            case "boolean" -> DataType.BOOLEAN;
            case "int" -> DataType.INTEGER;
            case "bigint" -> DataType.LONG;
            case "float" -> DataType.FLOAT;
            case "double" -> DataType.DOUBLE;
            case "string" -> DataType.STRING;
            case "array<double>" -> DataType.DOUBLE_ARRAY;
            case "array<string>" -> DataType.STRING_ARRAY;
            default -> throw new IllegalStateException("unchecked column type " + type);
        };
    }

    private static DataType tensorType(Column column) {
        boolean scalar = column.isScalarTensor();
        return switch (column.type()) {
            case "BYTES" -> scalar ? DataType.STRING : DataType.STRING_ARRAY;
            case "BOOL" -> scalar ? DataType.BOOLEAN : DataType.DOUBLE_ARRAY;
            default -> scalar ? DataType.DOUBLE : DataType.DOUBLE_ARRAY;
        };
    }

    private static Kind readKind(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw invalid("kind", CONFIG + ": kind must be dataframe or tensor" + (node == null ? " and is missing" : ", not " + node));
        }
        return switch (node.textValue()) {
            case "dataframe" -> Kind.DATAFRAME;
            case "tensor" -> Kind.TENSOR;
            default -> throw invalid("kind", CONFIG + ": kind must be dataframe or tensor, not \"" + node.textValue() + "\"");
        };
    }

    private static String readPython(JsonNode node) {
        if (node == null) {
            throw invalid("python", CONFIG + ": python is missing; write the interpreter's major.minor in quotes, e.g. python: \"3.11\"");
        }
        if (!node.isTextual()) {
            // YAML reads 3.10 unquoted as the number 3.1.
            throw invalid("python", CONFIG + ": python must be a quoted major.minor such as \"3.11\", not " + node
                    + " (unquoted, YAML reads it as a number)");
        }
        if (!PYTHON_VERSION.matcher(node.textValue()).matches()) {
            throw invalid("python", CONFIG + ": python must be a major.minor such as \"3.11\", not \"" + node.textValue() + "\"");
        }
        return node.textValue();
    }

    private static List<Column> readColumns(JsonNode node, String key, Kind kind) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid(key, CONFIG + ": " + key + " must be a non-empty list of "
                    + (kind == Kind.DATAFRAME ? "{name, type}" : "{name, datatype, shape}")
                    + (node == null ? " and is missing" : ""));
        }
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = key + "[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw invalid(at, CONFIG + ": " + at + " must be a mapping with name and "
                        + (kind == Kind.DATAFRAME ? "type" : "datatype and shape"));
            }
            Set<String> allowed = kind == Kind.DATAFRAME ? Set.of("name", "type") : Set.of("name", "datatype", "shape");
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw invalid(at + "." + name, CONFIG + ": " + at + "." + name + " is not a known key for a "
                            + kind.wireName() + " model; the keys are " + String.join(", ", allowed.stream().sorted().toList()));
                }
            }
            JsonNode name = item.get("name");
            if (name == null || !name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
                throw invalid(at + ".name", CONFIG + ": " + at + ".name must be a name of letters, digits, _ . - starting with a letter"
                        + " or _" + (name == null ? " and is missing" : ", not " + name));
            }
            if (!seen.add(name.textValue())) {
                throw invalid(at + ".name", CONFIG + ": " + at + ".name \"" + name.textValue() + "\" appears twice in " + key);
            }
            if (kind == Kind.DATAFRAME) {
                JsonNode type = item.get("type");
                if (type == null || !type.isTextual() || !DATAFRAME_TYPES.contains(type.textValue())) {
                    throw invalid(at + ".type", CONFIG + ": " + at + ".type must be one of boolean, int, bigint, float, double, string,"
                            + " array<double>, array<string>" + (type == null ? " and is missing" : ", not " + type));
                }
                columns.add(new Column(name.textValue(), type.textValue(), List.of()));
            } else {
                JsonNode type = item.get("datatype");
                if (type == null || !type.isTextual() || !TENSOR_TYPES.contains(type.textValue())) {
                    throw invalid(at + ".datatype", CONFIG + ": " + at + ".datatype must be one of BOOL, INT32, INT64, FP32, FP64, BYTES"
                            + (type == null ? " and is missing" : ", not " + type));
                }
                columns.add(new Column(name.textValue(), type.textValue(), readShape(item.get("shape"), at + ".shape")));
            }
        }
        return columns;
    }

    private static List<Integer> readShape(JsonNode node, String at) {
        String rule = " must be a list whose first element is -1 (the batch dimension) followed by positive sizes, e.g. [-1, 4]";
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid(at, CONFIG + ": " + at + rule + (node == null ? "; it is missing" : ", not " + node));
        }
        List<Integer> shape = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode size = node.get(i);
            boolean ok = size.isInt() && (i == 0 ? size.intValue() == -1 : size.intValue() > 0);
            if (!ok) {
                throw invalid(at, CONFIG + ": " + at + rule + ", not " + node);
            }
            shape.add(size.intValue());
        }
        long product = 1;
        for (int i = 1; i < shape.size(); i++) {
            product *= shape.get(i);
        }
        if (product > 16_777_216) {
            throw invalid(at, CONFIG + ": " + at + " " + node + " holds more than 16,777,216 values a row");
        }
        return shape;
    }

    private static Tolerance readTolerance(JsonNode node) {
        if (node == null) {
            return new Tolerance(0, 0);
        }
        if (!node.isObject()) {
            throw invalid("tolerance", CONFIG + ": tolerance must be a mapping with absolute and relative, e.g. {absolute: 1.0e-9, relative: 0}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("absolute") && !name.equals("relative")) {
                throw invalid("tolerance." + name, CONFIG + ": tolerance." + name + " is not a known key; the keys are absolute, relative");
            }
        }
        return new Tolerance(readBound(node.get("absolute"), "tolerance.absolute"), readBound(node.get("relative"), "tolerance.relative"));
    }

    private static double readBound(JsonNode node, String at) {
        if (node == null) {
            return 0;
        }
        if (!node.isNumber() || !(node.doubleValue() >= 0) || Double.isInfinite(node.doubleValue())) {
            throw invalid(at, CONFIG + ": " + at + " must be a number not below 0, not " + node);
        }
        return node.doubleValue();
    }

    /** The lines of a requirements file that say something: comments and blank lines left out. */
    static List<String> requirementLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            String requirement = stripComment(line);
            if (!requirement.isEmpty()) {
                lines.add(requirement);
            }
        }
        return lines;
    }

    /** Requirement lines not pinned with == (or ===); options such as --index-url and -r are left alone. */
    static List<String> unpinnedRequirements(String text) {
        List<String> unpinned = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String requirement = stripComment(line);
            if (requirement.isEmpty() || requirement.startsWith("-")) {
                continue;
            }
            String specifier = requirement.split(";", 2)[0];
            if (!specifier.contains("==")) {
                unpinned.add(requirement);
            }
        }
        return unpinned;
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).strip();
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw invalid(file.getFileName().toString(), file.getFileName() + " cannot be read as UTF-8 text: " + e.getMessage());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static CarraraException invalid(String field, String message) {
        return new CarraraException(PythonErrorCode.MODEL_HOME_INVALID, message, field);
    }

    @Override
    public String toString() {
        return "ModelHome[" + directory + ", " + kind.wireName() + ", python " + python + "]";
    }
}
