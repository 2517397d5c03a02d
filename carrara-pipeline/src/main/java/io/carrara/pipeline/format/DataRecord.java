package io.carrara.pipeline.format;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of a stage's Parquet data, with typed getters that understand Spark's vector and
 * matrix UDT structs. A missing column or a value of the wrong type is a model error naming the
 * stage, because it means the save was not written by the Spark class the metadata claims.
 */
public final class DataRecord {
    /** Spark's VectorUDT and MatrixUDT tag sparse values with 0 and dense values with 1. */
    private static final int SPARSE = 0;
    private static final int DENSE = 1;

    private final Map<String, Object> values;
    private final String stage;

    public DataRecord(Map<String, Object> values, String stage) {
        this(Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(values, "values is null"))), stage, true);
    }

    private DataRecord(Map<String, Object> values, String stage, boolean owned) {
        this.values = values;
        this.stage = requireNonNull(stage, "stage is null");
    }

    /** A record over a map the caller built for it and never touches again: no copy, as a model's data has thousands of rows. */
    static DataRecord owning(Map<String, Object> values, String stage) {
        return new DataRecord(Collections.unmodifiableMap(requireNonNull(values, "values is null")), stage, true);
    }

    public Set<String> columns() {
        return values.keySet();
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    public boolean isNull(String column) {
        return values.get(column) == null;
    }

    public Object get(String column) {
        if (!values.containsKey(column)) {
            throw invalid("data has no column '" + column + "'; it has " + values.keySet());
        }
        return values.get(column);
    }

    public int getInt(String column) {
        return number(column).intValue();
    }

    public long getLong(String column) {
        return number(column).longValue();
    }

    public double getDouble(String column) {
        return number(column).doubleValue();
    }

    public boolean getBoolean(String column) {
        return typed(column, Boolean.class);
    }

    public String getString(String column) {
        return typed(column, String.class);
    }

    public DataRecord getRecord(String column) {
        return typed(column, DataRecord.class);
    }

    public List<?> getList(String column) {
        return typed(column, List.class);
    }

    public List<String> getStringList(String column) {
        return strings(getList(column), column);
    }

    /** A list of string lists, e.g. StringIndexerModel's {@code labelsArray}. */
    public List<List<String>> getStringListList(String column) {
        return getList(column).stream().map(inner -> {
            if (!(inner instanceof List<?> list)) {
                throw invalid("column '" + column + "' holds " + describe(inner) + ", expected a list of string lists");
            }
            return strings(list, column);
        }).toList();
    }

    public int[] getIntArray(String column) {
        return ints(getList(column), column);
    }

    public double[] getDoubleArray(String column) {
        return doubles(getList(column), column);
    }

    public Vector getVector(String column) {
        DataRecord struct = getRecord(column);
        int type = struct.getInt("type");
        double[] vectorValues = doubles(struct.getList("values"), column + ".values");
        if (type == DENSE) {
            return new DenseVector(vectorValues);
        }
        if (type == SPARSE) {
            try {
                return new SparseVector(struct.getInt("size"), ints(struct.getList("indices"), column + ".indices"), vectorValues);
            } catch (IllegalArgumentException e) {
                throw invalid("column '" + column + "' is not a valid sparse vector: " + e.getMessage());
            }
        }
        throw invalid("column '" + column + "' has vector type " + type + "; Spark writes 0 (sparse) or 1 (dense)");
    }

    public Matrix getMatrix(String column) {
        DataRecord struct = getRecord(column);
        int type = struct.getInt("type");
        int numRows = struct.getInt("numRows");
        int numCols = struct.getInt("numCols");
        boolean transposed = struct.getBoolean("isTransposed");
        double[] matrixValues = doubles(struct.getList("values"), column + ".values");
        try {
            if (type == DENSE) {
                return Matrix.dense(numRows, numCols, matrixValues, transposed);
            }
            if (type == SPARSE) {
                return Matrix.sparse(numRows, numCols, ints(struct.getList("colPtrs"), column + ".colPtrs"),
                        ints(struct.getList("rowIndices"), column + ".rowIndices"), matrixValues, transposed);
            }
        } catch (IllegalArgumentException e) {
            throw invalid("column '" + column + "' is not a valid matrix: " + e.getMessage());
        }
        throw invalid("column '" + column + "' has matrix type " + type + "; Spark writes 0 (sparse) or 1 (dense)");
    }

    private Number number(String column) {
        return typed(column, Number.class);
    }

    private <T> T typed(String column, Class<T> type) {
        Object value = get(column);
        if (!type.isInstance(value)) {
            throw invalid("column '" + column + "' holds " + describe(value) + ", expected " + type.getSimpleName());
        }
        return type.cast(value);
    }

    private List<String> strings(List<?> list, String column) {
        for (Object element : list) {
            if (!(element instanceof String)) {
                throw invalid("column '" + column + "' holds " + describe(element) + " in a list of strings");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) list;
        return List.copyOf(strings);
    }

    private int[] ints(List<?> list, String column) {
        int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Number number)) {
                throw invalid("column '" + column + "' holds " + describe(list.get(i)) + " in a list of integers");
            }
            result[i] = number.intValue();
        }
        return result;
    }

    private double[] doubles(List<?> list, String column) {
        double[] result = new double[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Number number)) {
                throw invalid("column '" + column + "' holds " + describe(list.get(i)) + " in a list of numbers");
            }
            result[i] = number.doubleValue();
        }
        return result;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    private ModelException invalid(String message) {
        return new ModelException(PipelineErrorCode.STAGE_INVALID, stage, message);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
