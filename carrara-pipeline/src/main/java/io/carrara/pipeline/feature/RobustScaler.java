package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/** Spark's {@code RobustScalerModel}: {@code (x - median) * (1 / range)} with StandardScaler's function. */
public final class RobustScaler extends VectorMapping {
    private final double[] median;
    private final double[] scale;
    private final boolean withCentering;
    private final boolean withScaling;

    private RobustScaler(SavedStage saved, Vector range, Vector median) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.median = median.toArray();
        this.scale = range.toArray();
        for (int i = 0; i < scale.length; i++) {
            scale[i] = scale[i] == 0 ? 0.0 : 1.0 / scale[i];
        }
        this.withCentering = saved.params().getBoolean("withCentering");
        this.withScaling = saved.params().getBoolean("withScaling");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.RobustScalerModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            Vector range = data.getVector("range");
            Vector median = data.getVector("median");
            if (range.size() != median.size()) {
                throw saved.params().invalid("range has " + range.size() + " values but median has " + median.size());
            }
            return new RobustScaler(saved, range, median);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(median.length);
    }

    @Override
    String stageName() {
        return "RobustScaler";
    }

    @Override
    String invalid(Vector vector) {
        return vector.size() == median.length ? null
                : "holds a vector of size " + vector.size() + "; the scaler was fitted on size " + median.length;
    }

    @Override
    Vector map(Vector vector) {
        return StandardScaler.shiftAndScale(vector, median, scale, withCentering, withScaling);
    }
}
