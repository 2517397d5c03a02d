package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.ModelDirectory;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/**
 * Writes one stage directory as Spark's {@code save()} lays it out (a {@code metadata/} JSON line
 * and Parquet {@code data/}), from values a test states by hand, and loads it through the
 * registered {@link StageLoader}s. Stage behaviour tests build their stages this way, so they go
 * through the same loader code as a real save without Spark on the class path.
 *
 * <pre>{@code
 * Stage stage = SavedStages.of("org.apache.spark.ml.feature.StringIndexerModel")
 *         .param("inputCol", "city").param("outputCol", "city_index").param("handleInvalid", "keep")
 *         .data(SavedStages.row("labelsArray", List.of(List.of("nyc", "sf"))))
 *         .load(temporaryDirectory);
 * }</pre>
 *
 * <p>Parquet types follow the Java values: Double, Float, Integer, Long, Boolean, String, a
 * {@link List} (Spark's three-level list), a {@link Map} with String keys (a struct, fields in map
 * order), a {@link ParquetMap} (Spark's map), a {@link Vector} or a {@link DenseMatrix} (Spark's
 * VectorUDT and MatrixUDT structs). A column's type comes from its first non-null value.
 */
public final class SavedStages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DIRECTORIES = new AtomicInteger();

    private final String className;
    private final ObjectNode paramMap = JSON.createObjectNode();
    private final ObjectNode defaultParamMap = JSON.createObjectNode();
    private final Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    private final Map<String, String> textFiles = new LinkedHashMap<>();
    private final Map<String, List<SavedStages>> nestedPipelines = new LinkedHashMap<>();
    private final Map<String, SavedStages> nestedStages = new LinkedHashMap<>();
    private final ObjectNode extraMetadata = JSON.createObjectNode();
    private String sparkVersion = "4.1.0";
    private String uid;
    private int index;

    private SavedStages(String className) {
        this.className = requireNonNull(className, "className is null");
    }

    /** A stage of the given Spark class, saved by Spark 4.1.0 at pipeline position 0. */
    public static SavedStages of(String sparkClassName) {
        return new SavedStages(sparkClassName);
    }

    /** A data row from alternating names and values; values may be null. */
    public static Map<String, Object> row(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    /** A value the user set, as Spark writes it into {@code paramMap}; lists and arrays become JSON arrays. */
    public SavedStages param(String name, Object value) {
        paramMap.set(name, JSON.valueToTree(sparkJson(value)));
        return this;
    }

    /** Spark's JSON for params: non-finite doubles as the strings "NaN", "Inf" and "-Inf". */
    private static Object sparkJson(Object value) {
        if (value instanceof Double number && !Double.isFinite(number)) {
            return number.isNaN() ? "NaN" : number > 0 ? "Inf" : "-Inf";
        }
        if (value instanceof double[] array) {
            return Arrays.stream(array).boxed().map(SavedStages::sparkJson).toList();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(SavedStages::sparkJson).toList();
        }
        return value;
    }

    /** A class default, as Spark writes it into {@code defaultParamMap}. */
    public SavedStages defaultParam(String name, Object value) {
        defaultParamMap.set(name, JSON.valueToTree(sparkJson(value)));
        return this;
    }

    public SavedStages sparkVersion(String version) {
        this.sparkVersion = requireNonNull(version, "version is null");
        return this;
    }

    public SavedStages index(int position) {
        this.index = position;
        return this;
    }

    /** The rows of {@code data/}. */
    @SafeVarargs
    public final SavedStages data(Map<String, Object>... rows) {
        return table("data", rows);
    }

    /** The rows of another Parquet directory of the stage, e.g. {@code treesMetadata} or {@code data/data}. */
    @SafeVarargs
    public final SavedStages table(String relativePath, Map<String, Object>... rows) {
        tables.put(relativePath, List.of(rows));
        return this;
    }

    /** A text directory holding one JSON line, as the older mllib models write {@code data/metadata}. */
    public SavedStages textLine(String relativePath, String line) {
        textFiles.put(relativePath, line);
        return this;
    }

    private String uid() {
        return uid != null ? uid : className.substring(className.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT) + "_0123456789ab";
    }

    /** The stage's uid; by default its lower-cased simple class name and a fixed suffix. */
    public SavedStages uid(String value) {
        this.uid = requireNonNull(value, "value is null");
        return this;
    }

    /** A stage saved inside this one's directory, as OneVsRestModel saves {@code model_0}, {@code model_1}, ... */
    public SavedStages nestedStage(String relativePath, SavedStages stage) {
        nestedStages.put(relativePath, requireNonNull(stage, "stage is null"));
        return this;
    }

    /** A field Spark adds to the metadata line beside the params, such as a classifier's {@code numClasses}. */
    public SavedStages metadataField(String name, Object value) {
        extraMetadata.set(name, JSON.valueToTree(value));
        return this;
    }

    /**
     * A PipelineModel saved inside this stage's directory, as RFormulaModel saves its
     * {@code pipelineModel}: a metadata line naming the stages' uids and one directory per stage.
     */
    public SavedStages nestedPipeline(String relativePath, SavedStages... stages) {
        nestedPipelines.put(relativePath, List.of(stages));
        return this;
    }

    /** Writes the stage into a new directory under {@code parent} and reads its metadata back. */
    public SavedStage save(Path parent) {
        try {
            Path directory = parent.resolve(index + "_" + uid() + "_" + DIRECTORIES.incrementAndGet());
            writeTo(directory);
            ModelDirectory model = ModelDirectory.of(parent);
            return new SavedStage(model, directory, index, MetadataReader.read(model, directory, "test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeTo(Path directory) throws IOException {
        ObjectNode metadata = JSON.createObjectNode();
        metadata.put("class", className);
        metadata.put("timestamp", 1_700_000_000_000L);
        metadata.put("sparkVersion", sparkVersion);
        metadata.put("uid", uid());
        metadata.set("paramMap", paramMap);
        metadata.set("defaultParamMap", defaultParamMap);
        metadata.setAll(extraMetadata);
        writeText(directory.resolve("metadata"), JSON.writeValueAsString(metadata));
        for (Map.Entry<String, String> text : textFiles.entrySet()) {
            writeText(directory.resolve(text.getKey()), text.getValue());
        }
        for (Map.Entry<String, List<Map<String, Object>>> table : tables.entrySet()) {
            writeParquet(directory.resolve(table.getKey()), table.getValue());
        }
        for (Map.Entry<String, SavedStages> nested : nestedStages.entrySet()) {
            nested.getValue().writeTo(directory.resolve(nested.getKey()));
        }
        for (Map.Entry<String, List<SavedStages>> nested : nestedPipelines.entrySet()) {
            Path pipeline = directory.resolve(nested.getKey());
            List<SavedStages> stages = nested.getValue();
            SavedStages metadataOnly = SavedStages.of("org.apache.spark.ml.PipelineModel").uid("pipeline_" + uid())
                    .param("stageUids", stages.stream().map(SavedStages::uid).toList());
            metadataOnly.sparkVersion(sparkVersion).writeTo(pipeline);
            int digits = Integer.toString(stages.size()).length();
            for (int i = 0; i < stages.size(); i++) {
                stages.get(i).writeTo(pipeline.resolve("stages").resolve(String.format("%0" + digits + "d_%s", i, stages.get(i).uid())));
            }
        }
    }

    /** Writes the stage and loads it through the loader registered for its Spark class. */
    public Stage load(Path parent) {
        return StageLoaderRegistry.discover().load(save(parent));
    }

    private static void writeText(Path directory, String line) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("part-00000"), line + "\n", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("_SUCCESS"), "");
    }

    private static void writeParquet(Path directory, List<Map<String, Object>> rows) throws IOException {
        Files.createDirectories(directory);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a Parquet table needs at least one row to infer its schema");
        }
        StringBuilder schema = new StringBuilder("message spark_schema {\n");
        for (String column : rows.get(0).keySet()) {
            Object sample = rows.stream().map(row -> row.get(column)).filter(value -> value != null).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("column " + column + " is null in every row; its type is unknown"));
            schema.append(type(column, sample)).append('\n');
        }
        MessageType messageType = MessageTypeParser.parseMessageType(schema.append('}').toString());
        SimpleGroupFactory groups = new SimpleGroupFactory(messageType);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(directory.resolve("part-00000-c000.parquet")))
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new Uncompressed())
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withType(messageType)
                .build()) {
            for (Map<String, Object> row : rows) {
                Group group = groups.newGroup();
                fill(group, messageType, row);
                writer.write(group);
            }
        }
        Files.writeString(directory.resolve("_SUCCESS"), "");
    }

    /** Spark's MatrixUDT for a dense matrix stored column by column. */
    public record DenseMatrix(int numRows, int numCols, double[] columnMajorValues) {
        public DenseMatrix {
            if (columnMajorValues.length != numRows * numCols) {
                throw new IllegalArgumentException("a " + numRows + "x" + numCols + " matrix needs " + numRows * numCols + " values");
            }
        }

        /** A matrix from its rows, as one would write it on paper. */
        public static DenseMatrix ofRows(double[]... rows) {
            int numRows = rows.length;
            int numCols = rows[0].length;
            double[] values = new double[numRows * numCols];
            for (int col = 0; col < numCols; col++) {
                for (int row = 0; row < numRows; row++) {
                    values[col * numRows + row] = rows[row][col];
                }
            }
            return new DenseMatrix(numRows, numCols, values);
        }
    }

    /** A Parquet map (Spark's MapType), as opposed to a struct. */
    public record ParquetMap(Map<?, ?> entries) {
    }

    private static String type(String name, Object sample) {
        if (sample instanceof Vector) {
            return "optional group " + name + " { required int32 type (INTEGER(8,true)); optional int32 size;"
                    + " optional group indices (LIST) { repeated group list { required int32 element; } }"
                    + " optional group values (LIST) { repeated group list { required double element; } } }";
        }
        if (sample instanceof DenseMatrix) {
            return "optional group " + name + " { required int32 type (INTEGER(8,true)); required int32 numRows; required int32 numCols;"
                    + " optional group colPtrs (LIST) { repeated group list { required int32 element; } }"
                    + " optional group rowIndices (LIST) { repeated group list { required int32 element; } }"
                    + " optional group values (LIST) { repeated group list { required double element; } }"
                    + " required boolean isTransposed; }";
        }
        if (sample instanceof Double) {
            return "optional double " + name + ";";
        }
        if (sample instanceof Float) {
            return "optional float " + name + ";";
        }
        if (sample instanceof Integer) {
            return "optional int32 " + name + ";";
        }
        if (sample instanceof Long) {
            return "optional int64 " + name + ";";
        }
        if (sample instanceof Boolean) {
            return "optional boolean " + name + ";";
        }
        if (sample instanceof String) {
            return "optional binary " + name + " (STRING);";
        }
        if (sample instanceof List<?> list) {
            Object element = list.stream().filter(value -> value != null).map(Object.class::cast).findFirst().orElse(0.0);
            return "optional group " + name + " (LIST) { repeated group list { " + type("element", element) + " } }";
        }
        if (sample instanceof ParquetMap map) {
            Map.Entry<?, ?> entry = map.entries().entrySet().iterator().next();
            return "optional group " + name + " (MAP) { repeated group key_value { "
                    + type("key", entry.getKey()).replaceFirst("optional", "required") + " " + type("value", entry.getValue()) + " } }";
        }
        if (sample instanceof Map<?, ?> struct) {
            StringBuilder fields = new StringBuilder("optional group " + name + " { ");
            for (Map.Entry<?, ?> field : struct.entrySet()) {
                if (field.getValue() == null) {
                    throw new IllegalArgumentException("struct field " + field.getKey() + " of " + name + " is null in the first row");
                }
                fields.append(type((String) field.getKey(), field.getValue())).append(' ');
            }
            return fields.append('}').toString();
        }
        throw new IllegalArgumentException("no Parquet type for " + sample.getClass().getName());
    }

    private static void fill(Group group, GroupType type, Map<?, ?> values) {
        for (Type field : type.getFields()) {
            Object value = values.get(field.getName());
            if (value != null) {
                add(group, field, value);
            }
        }
    }

    private static void add(Group group, Type field, Object value) {
        String name = field.getName();
        if (value instanceof Vector vector) {
            Map<String, Object> struct = new LinkedHashMap<>();
            double[] stored = new double[vector.activeCount()];
            int[] indices = new int[vector.activeCount()];
            for (int k = 0; k < stored.length; k++) {
                stored[k] = vector.activeValue(k);
                indices[k] = vector.activeIndex(k);
            }
            boolean sparse = vector instanceof SparseVector;
            struct.put("type", sparse ? 0 : 1);
            if (sparse) {
                struct.put("size", vector.size());
                struct.put("indices", Arrays.stream(indices).boxed().toList());
            }
            struct.put("values", Arrays.stream(stored).boxed().toList());
            fill(group.addGroup(name), field.asGroupType(), struct);
        } else if (value instanceof DenseMatrix matrix) {
            Map<String, Object> struct = new LinkedHashMap<>();
            struct.put("type", 1);
            struct.put("numRows", matrix.numRows());
            struct.put("numCols", matrix.numCols());
            struct.put("values", Arrays.stream(matrix.columnMajorValues()).boxed().toList());
            struct.put("isTransposed", false);
            fill(group.addGroup(name), field.asGroupType(), struct);
        } else if (value instanceof List<?> list) {
            Group listGroup = group.addGroup(name);
            Type element = field.asGroupType().getType(0).asGroupType().getType(0);
            for (Object item : list) {
                Group wrapper = listGroup.addGroup(0);
                if (item != null) {
                    add(wrapper, element, item);
                }
            }
        } else if (value instanceof ParquetMap map) {
            Group mapGroup = group.addGroup(name);
            GroupType entryType = field.asGroupType().getType(0).asGroupType();
            for (Map.Entry<?, ?> entry : map.entries().entrySet()) {
                Group entryGroup = mapGroup.addGroup(0);
                add(entryGroup, entryType.getType(0), entry.getKey());
                if (entry.getValue() != null) {
                    add(entryGroup, entryType.getType(1), entry.getValue());
                }
            }
        } else if (value instanceof Map<?, ?> struct) {
            fill(group.addGroup(name), field.asGroupType(), struct);
        } else if (value instanceof Double number) {
            group.add(name, number);
        } else if (value instanceof Float number) {
            group.add(name, number);
        } else if (value instanceof Integer number) {
            group.add(name, number);
        } else if (value instanceof Long number) {
            group.add(name, number);
        } else if (value instanceof Boolean bool) {
            group.add(name, bool);
        } else if (value instanceof String text) {
            group.add(name, text);
        } else {
            throw new IllegalArgumentException("no Parquet value for " + value.getClass().getName());
        }
    }

    /** The writer's codec factory: pages stay uncompressed, so no Hadoop codec is ever loaded. */
    private static final class Uncompressed implements CompressionCodecFactory {
        @Override
        public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
            return new BytesInputCompressor() {
                @Override
                public BytesInput compress(BytesInput bytes) {
                    return bytes;
                }

                @Override
                public CompressionCodecName getCodecName() {
                    return CompressionCodecName.UNCOMPRESSED;
                }

                @Override
                public void release() {
                }
            };
        }

        @Override
        public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
            throw new UnsupportedOperationException("this factory only writes");
        }

        @Override
        public void release() {
        }
    }
}
