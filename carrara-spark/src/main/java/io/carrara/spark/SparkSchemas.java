package io.carrara.spark;

import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.spi.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Translates between Spark SQL schemas and values and the pipeline runtime's. */
public final class SparkSchemas {
    private SparkSchemas() {
    }

    /** The runtime schema of a DataFrame; a vector column's size comes from its ML attribute metadata when present. */
    public static Schema toSchema(StructType struct) {
        List<Field> fields = new ArrayList<>();
        for (StructField field : struct.fields()) {
            fields.add(toField(field));
        }
        return new Schema(fields);
    }

    static Field toField(StructField field) {
        org.apache.spark.sql.types.DataType type = field.dataType();
        if (type instanceof VectorUDT) {
            int size = AttributeGroup.fromStructField(field).size();
            return new Field(field.name(), DataType.VECTOR, size >= 0 ? OptionalInt.of(size) : OptionalInt.empty());
        }
        return new Field(field.name(), toDataType(field.name(), type));
    }

    /** Whether Spark ML pipelines read columns of this Spark type, so the runtime can take them. */
    public static boolean isPipelineType(org.apache.spark.sql.types.DataType type) {
        return type instanceof VectorUDT || runtimeType(type) != null;
    }

    private static DataType toDataType(String name, org.apache.spark.sql.types.DataType type) {
        DataType runtime = runtimeType(type);
        if (runtime == null) {
            throw new IllegalArgumentException("column " + name + " has Spark type " + type.simpleString()
                    + ", which Spark ML pipelines do not read");
        }
        return runtime;
    }

    private static DataType runtimeType(org.apache.spark.sql.types.DataType type) {
        if (type.equals(DataTypes.StringType)) {
            return DataType.STRING;
        }
        if (type.equals(DataTypes.DoubleType)) {
            return DataType.DOUBLE;
        }
        if (type.equals(DataTypes.FloatType)) {
            return DataType.FLOAT;
        }
        if (type.equals(DataTypes.LongType)) {
            return DataType.LONG;
        }
        if (type.equals(DataTypes.IntegerType)) {
            return DataType.INTEGER;
        }
        if (type.equals(DataTypes.ShortType)) {
            return DataType.SHORT;
        }
        if (type.equals(DataTypes.ByteType)) {
            return DataType.BYTE;
        }
        if (type.equals(DataTypes.BooleanType)) {
            return DataType.BOOLEAN;
        }
        if (type instanceof ArrayType array && array.elementType().equals(DataTypes.StringType)) {
            return DataType.STRING_ARRAY;
        }
        if (type instanceof ArrayType array && array.elementType().equals(DataTypes.DoubleType)) {
            return DataType.DOUBLE_ARRAY;
        }
        if (type instanceof ArrayType array && array.elementType() instanceof VectorUDT) {
            return DataType.VECTOR_ARRAY;
        }
        return null;
    }

    /** The Spark column for a field the pipeline adds. */
    public static StructField toStructField(Field field) {
        org.apache.spark.sql.types.DataType type = switch (field.type()) {
            case STRING -> DataTypes.StringType;
            case BOOLEAN -> DataTypes.BooleanType;
            case BYTE -> DataTypes.ByteType;
            case SHORT -> DataTypes.ShortType;
            case INTEGER -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case FLOAT -> DataTypes.FloatType;
            case DOUBLE -> DataTypes.DoubleType;
            case VECTOR -> SQLDataTypes.VectorType();
            case STRING_ARRAY -> DataTypes.createArrayType(DataTypes.StringType);
            case DOUBLE_ARRAY -> DataTypes.createArrayType(DataTypes.DoubleType);
            case VECTOR_ARRAY -> DataTypes.createArrayType(SQLDataTypes.VectorType());
        };
        Metadata metadata = field.vectorSize().isPresent()
                ? new AttributeGroup(field.name(), field.vectorSize().getAsInt()).toMetadata()
                : Metadata.empty();
        return new StructField(field.name(), type, true, metadata);
    }

    /** A Spark value in the form the runtime's Map API takes. */
    public static Object toRuntimeValue(Object value) {
        if (value instanceof org.apache.spark.ml.linalg.DenseVector dense) {
            return new DenseVector(dense.toArray());
        }
        if (value instanceof org.apache.spark.ml.linalg.SparseVector sparse) {
            return new SparseVector(sparse.size(), sparse.indices().clone(), sparse.values().clone());
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<Object> elements = new ArrayList<>(seq.size());
            for (Object element : scala.jdk.javaapi.CollectionConverters.asJava(seq)) {
                elements.add(toRuntimeValue(element));
            }
            return elements;
        }
        return value;
    }

    /** A runtime value as Spark holds it in a Row. */
    public static Object toSparkValue(Object value) {
        if (value instanceof DenseVector dense) {
            return Vectors.dense(dense.toArray());
        }
        if (value instanceof SparseVector sparse) {
            int[] indices = new int[sparse.activeCount()];
            double[] values = new double[indices.length];
            for (int k = 0; k < indices.length; k++) {
                indices[k] = sparse.activeIndex(k);
                values[k] = sparse.activeValue(k);
            }
            return Vectors.sparse(sparse.size(), indices, values);
        }
        if (value instanceof Vector vector) {
            return Vectors.dense(vector.toArray());
        }
        if (value instanceof List<?> list) {
            List<Object> elements = new ArrayList<>(list.size());
            for (Object element : list) {
                elements.add(toSparkValue(element));
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(elements).toSeq();
        }
        if (value instanceof double[] doubles) {
            return scala.jdk.javaapi.CollectionConverters.asScala(java.util.Arrays.stream(doubles).boxed().toList()).toSeq();
        }
        return value;
    }
}
