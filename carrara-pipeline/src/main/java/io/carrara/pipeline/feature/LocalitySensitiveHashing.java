package io.carrara.pipeline.feature;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Spark's LSH models' {@code transform}: an array with one single-element vector per hash
 * function. {@code MinHashLSHModel} hashes the non-zero indices i to
 * {@code min((1 + i) * a + b) mod 2038074743}, and refuses a vector with no non-zero entry;
 * {@code BucketedRandomProjectionLSHModel} gives {@code floor(u . x / bucketLength)} per random
 * unit vector u.
 */
public final class LocalitySensitiveHashing implements Stage {
    private static final String MIN_HASH = "org.apache.spark.ml.feature.MinHashLSHModel";
    private static final String RANDOM_PROJECTION = "org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel";
    private static final long HASH_PRIME = 2038074743L;

    private final String description;
    private final String inputColumn;
    private final String outputColumn;
    /** MinHash: pairs (a, b); random projection: null. */
    private final int[] coefficients;
    /** Random projection: one unit vector per row; MinHash: null. */
    private final double[][] unitVectors;
    private final double bucketLength;

    private LocalitySensitiveHashing(SavedStage saved, int[] coefficients, double[][] unitVectors, double bucketLength) {
        this.description = saved.description();
        this.inputColumn = saved.params().getString("inputCol");
        this.outputColumn = saved.params().getString("outputCol");
        this.coefficients = coefficients;
        this.unitVectors = unitVectors;
        this.bucketLength = bucketLength;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of(MIN_HASH, RANDOM_PROJECTION);
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            if (saved.className().equals(MIN_HASH)) {
                int[] coefficients = data.getIntArray("randCoefficients");
                if (coefficients.length % 2 != 0) {
                    throw saved.params().invalid("randCoefficients holds an odd number of values");
                }
                return new LocalitySensitiveHashing(saved, coefficients, null, Double.NaN);
            }
            Matrix matrix = data.getMatrix("randUnitVectors");
            double[][] unitVectors = new double[matrix.numRows()][];
            for (int r = 0; r < unitVectors.length; r++) {
                unitVectors[r] = matrix.row(r).toArray();
            }
            return new LocalitySensitiveHashing(saved, null, unitVectors, saved.params().getDouble("bucketLength"));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int inputSlot = binder.input(inputColumn, DataType.VECTOR).slot();
        int outputSlot = binder.output(outputColumn, DataType.VECTOR_ARRAY).slot();
        return frame -> {
            if (frame.isNull(inputSlot)) {
                throw new RowException(inputColumn, "null in column " + inputColumn + "; LSH needs a vector");
            }
            Vector x = frame.getVector(inputSlot);
            double[] hashes = coefficients != null ? minHash(x) : project(x);
            List<Vector> output = new ArrayList<>(hashes.length);
            for (double hash : hashes) {
                output.add(new DenseVector(new double[] {hash}));
            }
            frame.setObject(outputSlot, Collections.unmodifiableList(output));
            return true;
        };
    }

    private double[] minHash(Vector x) {
        if (x.numNonZeros() == 0) {
            throw new RowException(inputColumn, "column " + inputColumn + " holds a vector with no non-zero entry; MinHash needs at least one");
        }
        double[] hashes = new double[coefficients.length / 2];
        for (int h = 0; h < hashes.length; h++) {
            long a = coefficients[2 * h];
            long b = coefficients[2 * h + 1];
            long min = Long.MAX_VALUE;
            for (int k = 0; k < x.activeCount(); k++) {
                if (x.activeValue(k) != 0.0) {
                    min = Math.min(min, ((1L + x.activeIndex(k)) * a + b) % HASH_PRIME);
                }
            }
            hashes[h] = min;
        }
        return hashes;
    }

    private double[] project(Vector x) {
        if (x.size() != unitVectors[0].length) {
            throw new RowException(inputColumn, "column " + inputColumn + " holds a vector of size " + x.size()
                    + "; the projections have size " + unitVectors[0].length);
        }
        double[] hashes = new double[unitVectors.length];
        double scale = 1.0 / bucketLength;
        for (int h = 0; h < hashes.length; h++) {
            double dot = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                dot += unitVectors[h][x.activeIndex(k)] * x.activeValue(k);
            }
            hashes[h] = Math.floor(scale * dot);
        }
        return hashes;
    }
}
