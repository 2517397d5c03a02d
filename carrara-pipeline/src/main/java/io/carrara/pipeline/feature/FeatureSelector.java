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
 * The fitted feature selectors ({@code ChiSqSelectorModel}, {@code UnivariateFeatureSelectorModel},
 * {@code VarianceThresholdSelectorModel}): keep the selected feature indices, in increasing order,
 * from {@code featuresCol} into {@code outputCol}; a sparse vector keeps its selected stored entries.
 */
public final class FeatureSelector extends VectorMapping {
    private final int[] selected;

    private FeatureSelector(SavedStage saved, int[] selected) {
        super(saved.description(), saved.params().getString("featuresCol"), saved.params().getString("outputCol"));
        this.selected = selected;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.ChiSqSelectorModel", "org.apache.spark.ml.feature.UnivariateFeatureSelectorModel",
                    "org.apache.spark.ml.feature.VarianceThresholdSelectorModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            int[] selected = saved.singleDataRecord().getIntArray("selectedFeatures");
            Arrays.sort(selected);
            return new FeatureSelector(saved, selected);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(selected.length);
    }

    @Override
    String stageName() {
        return "the feature selector";
    }

    @Override
    String invalid(Vector vector) {
        return selected.length == 0 || selected[selected.length - 1] < vector.size() ? null
                : "holds a vector of size " + vector.size() + "; the selector reads feature " + selected[selected.length - 1];
    }

    @Override
    Vector map(Vector vector) {
        if (vector instanceof DenseVector) {
            double[] values = new double[selected.length];
            for (int i = 0; i < selected.length; i++) {
                values[i] = vector.get(selected[i]);
            }
            return new DenseVector(values);
        }
        int[] indices = new int[Math.min(selected.length, vector.activeCount())];
        double[] values = new double[indices.length];
        int count = 0;
        int position = 0;
        for (int k = 0; k < vector.activeCount() && position < selected.length; k++) {
            int index = vector.activeIndex(k);
            while (position < selected.length && selected[position] < index) {
                position++;
            }
            if (position < selected.length && selected[position] == index) {
                indices[count] = position;
                values[count++] = vector.activeValue(k);
            }
        }
        return new SparseVector(selected.length, Arrays.copyOf(indices, count), Arrays.copyOf(values, count));
    }
}
