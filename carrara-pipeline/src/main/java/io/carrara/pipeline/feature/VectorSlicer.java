package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.SparseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Spark's {@code VectorSlicer} by {@code indices}, in the order given. Selecting by {@code names}
 * needs the input's attribute names, which the runtime schema does not carry, so it is refused at load.
 */
public final class VectorSlicer extends VectorMapping {
    private final int[] indices;

    private VectorSlicer(SavedStage saved, int[] indices) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.indices = indices;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.VectorSlicer");
        }

        @Override
        public Stage load(SavedStage saved) {
            if (saved.params().isDefined("names") && !saved.params().getStringList("names").isEmpty()) {
                throw saved.params().invalid("VectorSlicer selecting by names is not supported yet; select by indices");
            }
            var json = saved.params().find("indices").orElseThrow(() -> saved.params().invalid("indices is not set"));
            int[] indices = new int[json.size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = json.get(i).asInt();
            }
            return new VectorSlicer(saved, indices);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(indices.length);
    }

    @Override
    String stageName() {
        return "VectorSlicer";
    }

    @Override
    String invalid(Vector vector) {
        int max = Arrays.stream(indices).max().orElse(-1);
        return max < vector.size() ? null : "holds a vector of size " + vector.size() + "; VectorSlicer selects index " + max;
    }

    @Override
    Vector map(Vector vector) {
        double[] values = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            values[i] = vector.get(indices[i]);
        }
        if (vector instanceof DenseVector) {
            return new DenseVector(values);
        }
        int count = 0;
        for (double value : values) {
            if (value != 0.0) {
                count++;
            }
        }
        int[] positions = new int[count];
        double[] nonZeros = new double[count];
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0.0) {
                positions[k] = i;
                nonZeros[k++] = values[i];
            }
        }
        return new SparseVector(indices.length, positions, nonZeros);
    }
}
