package io.carrara.pipeline.regression;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Arrays;
import java.util.Set;

/**
 * Spark's {@code IsotonicRegressionModel}: the fitted step function, linearly interpolated between
 * boundaries and flat beyond them, of a double feature or of element {@code featureIndex} of a
 * vector. A null double gives a null prediction; a null vector fails the row.
 */
public final class IsotonicRegression implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final int featureIndex;
    private final double[] boundaries;
    private final double[] predictions;

    private IsotonicRegression(SavedStage saved, double[] boundaries, double[] predictions) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.featureIndex = saved.params().getInt("featureIndex");
        this.boundaries = boundaries;
        this.predictions = predictions;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.regression.IsotonicRegressionModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            double[] boundaries = data.getDoubleArray("boundaries");
            double[] predictions = data.getDoubleArray("predictions");
            if (boundaries.length != predictions.length || boundaries.length == 0) {
                throw saved.params().invalid("boundaries and predictions differ in length or are empty");
            }
            return new IsotonicRegression(saved, boundaries, predictions);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column features = binder.input(featuresColumn, DataType.DOUBLE, DataType.VECTOR);
        int featuresSlot = features.slot();
        boolean vector = features.type() == DataType.VECTOR;
        int predictionSlot = binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            if (frame.isNull(featuresSlot)) {
                if (vector) {
                    throw new RowException(featuresColumn, "null in column " + featuresColumn + "; isotonic regression needs a vector");
                }
                frame.setNull(predictionSlot);
                return true;
            }
            double x;
            if (vector) {
                var features1 = frame.getVector(featuresSlot);
                if (featureIndex >= features1.size()) {
                    throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + features1.size()
                            + "; the model reads feature " + featureIndex);
                }
                x = features1.get(featureIndex);
            } else {
                x = frame.getDouble(featuresSlot);
            }
            frame.setDouble(predictionSlot, predict(x));
            return true;
        };
    }

    private double predict(double x) {
        int found = Arrays.binarySearch(boundaries, x);
        int insertion = -found - 1;
        if (insertion == 0) {
            return predictions[0];
        }
        if (insertion == boundaries.length) {
            return predictions[predictions.length - 1];
        }
        if (found < 0) {
            double x1 = boundaries[insertion - 1];
            double y1 = predictions[insertion - 1];
            double x2 = boundaries[insertion];
            double y2 = predictions[insertion];
            return y1 + (y2 - y1) * (x - x1) / (x2 - x1);
        }
        return predictions[found];
    }
}
