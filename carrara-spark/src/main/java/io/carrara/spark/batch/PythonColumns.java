package io.carrara.spark.batch;

import io.carrara.python.ModelHome.Column;
import io.carrara.python.ModelHome.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Python model's columns in Spark: the table type of each declared output, and the conversion of
 * a Spark value to the Java value the model is given, and of its answer back.
 */
final class PythonColumns {
    private PythonColumns() {
    }

    /**
     * How an output is stored: dataframe types one for one; a tensor of shape [-1] as its scalar
     * (FP64 and FP32 as double, INT64 as bigint, INT32 as int, BOOL as boolean, BYTES as string), any
     * other shape as its row's values flattened ({@code array<string>} for BYTES, else {@code array<double>}).
     */
    static DataType tableType(Kind kind, Column column) {
        if (kind == Kind.DATAFRAME) {
            return switch (column.type()) {
                case "boolean" -> DataTypes.BooleanType;
                case "int" -> DataTypes.IntegerType;
                case "bigint" -> DataTypes.LongType;
                case "float" -> DataTypes.FloatType;
                case "double" -> DataTypes.DoubleType;
                case "string" -> DataTypes.StringType;
                case "array<double>" -> DataTypes.createArrayType(DataTypes.DoubleType, true);
                case "array<string>" -> DataTypes.createArrayType(DataTypes.StringType, true);
                default -> throw new IllegalStateException("unchecked column type " + column.type());
            };
        }
        if (column.isScalarTensor()) {
            return switch (column.type()) {
                case "INT64" -> DataTypes.LongType;
                case "INT32" -> DataTypes.IntegerType;
                case "BOOL" -> DataTypes.BooleanType;
                case "BYTES" -> DataTypes.StringType;
                default -> DataTypes.DoubleType;
            };
        }
        return DataTypes.createArrayType(column.type().equals("BYTES") ? DataTypes.StringType : DataTypes.DoubleType, true);
    }

    /**
     * The Java value {@code PythonModel.score} is given for a Spark value: arrays (Scala sequences,
     * nested for tensors) as lists, scalars as they are. Whether it fits the declared input (type, null,
     * a tensor's length) is the model's codec's to say, per row, exactly as for an online request.
     */
    static Object toJava(Object value) {
        if (value instanceof scala.collection.Seq<?> seq) {
            List<Object> items = new ArrayList<>(seq.size());
            for (Object item : CollectionConverters.asJava(seq)) {
                items.add(toJava(item));
            }
            return items;
        }
        return value;
    }

    /** The Spark value of a worker's answer {@code value} in a column stored as {@code type}. */
    static Object toSpark(DataType type, Object value) {
        if (value == null) {
            return null;
        }
        if (type instanceof ArrayType array) {
            List<Object> items = new ArrayList<>();
            if (value instanceof List<?> list) {
                items.addAll(list);
            } else if (value instanceof double[] doubles) {
                for (double d : doubles) {
                    items.add(d);
                }
            } else if (value instanceof float[] floats) {
                for (float f : floats) {
                    items.add(f);
                }
            } else if (value instanceof long[] longs) {
                for (long l : longs) {
                    items.add(l);
                }
            } else if (value instanceof int[] ints) {
                for (int i : ints) {
                    items.add(i);
                }
            } else if (value instanceof Object[] objects) {
                items.addAll(List.of(objects));
            } else {
                throw new IllegalStateException("an array output is a " + value.getClass().getName());
            }
            List<Object> converted = new ArrayList<>(items.size());
            for (Object item : items) {
                converted.add(toSpark(array.elementType(), item));
            }
            return CollectionConverters.asScala(converted).toSeq();
        }
        if (type.equals(DataTypes.DoubleType)) {
            return ((Number) value).doubleValue();
        }
        if (type.equals(DataTypes.FloatType)) {
            return ((Number) value).floatValue();
        }
        if (type.equals(DataTypes.LongType)) {
            return ((Number) value).longValue();
        }
        if (type.equals(DataTypes.IntegerType)) {
            return ((Number) value).intValue();
        }
        if (type.equals(DataTypes.StringType)) {
            return value.toString();
        }
        return value;
    }
}
