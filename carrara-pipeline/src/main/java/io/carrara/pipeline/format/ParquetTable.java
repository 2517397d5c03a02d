package io.carrara.pipeline.format;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the Parquet {@code data/} directory of a saved stage into plain Java values: every
 * {@code part-*.parquet} file in name order, structs as {@link DataRecord}s, lists as {@link List}s,
 * maps as {@link Map}s. Model data is small (kilobytes to a few megabytes), so it is read whole.
 */
public final class ParquetTable {
    private ParquetTable() {
    }

    /** Rows of {@code directory}, a directory of {@code model}; {@code stage} names the stage in errors. */
    public static List<DataRecord> read(ModelDirectory model, Path directory, String stage) {
        List<Path> parts = partFiles(model, directory, stage);
        List<DataRecord> records = new ArrayList<>();
        for (Path part : parts) {
            readFile(model, part, stage, records);
        }
        return records;
    }

    static List<Path> partFiles(ModelDirectory model, Path directory, String stage) {
        if (!Files.isDirectory(directory)) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage, "missing data directory " + model.describe(directory));
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> parts = files
                    .filter(file -> {
                        String name = file.getFileName().toString();
                        return name.startsWith("part-") && name.endsWith(".parquet");
                    })
                    .sorted()
                    .map(file -> model.resolve(directory, file.getFileName().toString(), stage))
                    .toList();
            if (parts.isEmpty()) {
                throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage, "no part-*.parquet file in " + model.describe(directory));
            }
            return parts;
        } catch (IOException e) {
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage,
                    "cannot list " + model.describe(directory) + ": " + model.reason(e), e);
        }
    }

    private static void readFile(ModelDirectory model, Path file, String stage, List<DataRecord> records) {
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(new ParquetCodecs())
                .build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            MessageColumnIO columnIo = new ColumnIOFactory().getColumnIO(schema);
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> recordReader = columnIo.getRecordReader(rowGroup, new GroupRecordConverter(schema));
                for (long row = 0; row < rowGroup.getRowCount(); row++) {
                    records.add(toRecord(recordReader.read(), schema, stage));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelException modelException) {
                throw modelException;
            }
            throw new ModelException(PipelineErrorCode.MODEL_UNREADABLE, stage,
                    "cannot read Parquet file " + model.describe(file) + ": " + model.reason(e), e);
        }
    }

    private static DataRecord toRecord(Group group, GroupType type, String stage) {
        Map<String, Object> values = new LinkedHashMap<>(type.getFieldCount() * 2);
        for (int field = 0; field < type.getFieldCount(); field++) {
            Type fieldType = type.getType(field);
            values.put(fieldType.getName(), group.getFieldRepetitionCount(field) == 0 ? null : value(group, field, 0, fieldType, stage));
        }
        return DataRecord.owning(values, stage);
    }

    private static Object value(Group parent, int field, int repetition, Type type, String stage) {
        if (type.isPrimitive()) {
            return primitive(parent, field, repetition, type.asPrimitiveType());
        }
        Group group = parent.getGroup(field, repetition);
        GroupType groupType = type.asGroupType();
        LogicalTypeAnnotation annotation = groupType.getLogicalTypeAnnotation();
        if (annotation instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return list(group, groupType, stage);
        }
        if (annotation instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation) {
            return map(group, groupType, stage);
        }
        return toRecord(group, groupType, stage);
    }

    private static List<Object> list(Group group, GroupType listType, String stage) {
        Type repeated = listType.getType(0);
        int count = group.getFieldRepetitionCount(0);
        List<Object> elements = new ArrayList<>(count);
        // Spark writes the standard three-level list (repeated group list { element }); older
        // writers used two levels, where the repeated field is itself the element.
        boolean threeLevel = !repeated.isPrimitive()
                && repeated.asGroupType().getFieldCount() == 1
                && !repeated.getName().equals("array")
                && !repeated.getName().endsWith("_tuple");
        for (int k = 0; k < count; k++) {
            if (threeLevel) {
                Group wrapper = group.getGroup(0, k);
                Type elementType = repeated.asGroupType().getType(0);
                elements.add(wrapper.getFieldRepetitionCount(0) == 0 ? null : value(wrapper, 0, 0, elementType, stage));
            } else {
                elements.add(value(group, 0, k, repeated, stage));
            }
        }
        return elements;
    }

    private static Map<Object, Object> map(Group group, GroupType mapType, String stage) {
        GroupType entryType = mapType.getType(0).asGroupType();
        int count = group.getFieldRepetitionCount(0);
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (int k = 0; k < count; k++) {
            Group entry = group.getGroup(0, k);
            Object key = value(entry, 0, 0, entryType.getType(0), stage);
            Object mapped = entry.getFieldRepetitionCount(1) == 0 ? null : value(entry, 1, 0, entryType.getType(1), stage);
            entries.put(key, mapped);
        }
        return entries;
    }

    private static Object primitive(Group group, int field, int repetition, PrimitiveType type) {
        return switch (type.getPrimitiveTypeName()) {
            case INT32 -> group.getInteger(field, repetition);
            case INT64 -> group.getLong(field, repetition);
            case FLOAT -> group.getFloat(field, repetition);
            case DOUBLE -> group.getDouble(field, repetition);
            case BOOLEAN -> group.getBoolean(field, repetition);
            case BINARY -> type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                    ? group.getString(field, repetition)
                    : group.getBinary(field, repetition).getBytes();
            default -> group.getBinary(field, repetition).getBytes();
        };
    }
}
