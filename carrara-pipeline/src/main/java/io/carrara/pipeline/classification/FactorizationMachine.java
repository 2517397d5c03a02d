package io.carrara.pipeline.classification;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Matrix;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's factorization machines, {@code FMRegressionModel} and {@code FMClassificationModel}:
 * {@code r = b + w.x + sum over factors f of ((sum_i v_if x_i)^2 - sum_i (v_if x_i)^2) / 2} over
 * the non-zero features. The regressor predicts r; the classifier gives raw [-r, r], probability
 * [1 - s, s] for s = 1/(1+e^-r), and Spark's usual prediction from those.
 */
public final class FactorizationMachine implements Stage {
    private static final String REGRESSOR = "org.apache.spark.ml.regression.FMRegressionModel";
    private static final String CLASSIFIER = "org.apache.spark.ml.classification.FMClassificationModel";

    private final String description;
    private final boolean classifier;
    private final double intercept;
    private final double[] linear;
    /** factors[i][f]: numFeatures rows of factorSize values. */
    private final double[][] factors;
    private final ProbabilisticOutputs outputs;
    private final String featuresColumn;
    private final String predictionColumn;

    private FactorizationMachine(SavedStage saved, double intercept, Vector linear, Matrix factors) {
        this.description = saved.description();
        this.classifier = saved.className().equals(CLASSIFIER);
        this.intercept = intercept;
        this.linear = linear.toArray();
        this.factors = new double[factors.numRows()][];
        for (int i = 0; i < this.factors.length; i++) {
            this.factors[i] = factors.row(i).toArray();
        }
        this.outputs = classifier ? new ProbabilisticOutputs(saved.params(), 2) : null;
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of(REGRESSOR, CLASSIFIER);
        }

        @Override
        public Stage load(SavedStage saved) {
            DataRecord data = saved.singleDataRecord();
            Vector linear = data.getVector("linear");
            Matrix factors = data.getMatrix("factors");
            if (factors.numRows() != linear.size()) {
                throw saved.params().invalid("linear has " + linear.size() + " weights but factors has " + factors.numRows() + " rows");
            }
            return new FactorizationMachine(saved, data.getDouble("intercept"), linear, factors);
        }
    }

    @Override
    public String description() {
        return description;
    }

    private double raw(Vector x) {
        if (x.size() != linear.length) {
            throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + x.size()
                    + "; the model expects " + linear.length);
        }
        double raw = intercept;
        double dot = 0.0;
        for (int k = 0; k < x.activeCount(); k++) {
            dot += x.activeValue(k) * linear[x.activeIndex(k)];
        }
        raw += dot;
        int factorSize = factors.length == 0 ? 0 : factors[0].length;
        for (int f = 0; f < factorSize; f++) {
            double sumSquare = 0.0;
            double sum = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                double value = x.activeValue(k);
                if (value != 0.0) {
                    double vx = factors[x.activeIndex(k)][f] * value;
                    sumSquare += vx * vx;
                    sum += vx;
                }
            }
            raw += 0.5 * (sum * sum - sumSquare);
        }
        return raw;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        if (classifier) {
            ProbabilisticOutputs.Model model = new ProbabilisticOutputs.Model() {
                @Override
                public double[] raw(Vector features) {
                    double r = FactorizationMachine.this.raw(features);
                    return new double[] {-r, r};
                }

                @Override
                public void probabilityInPlace(double[] raw) {
                    raw[1] = 1.0 / (1.0 + Math.exp(-raw[1]));
                    raw[0] = 1.0 - raw[1];
                }

                @Override
                public double predict(Vector features) {
                    return outputs.fromRaw(this, raw(features));
                }
            };
            return outputs.compile(binder, model, linear.length);
        }
        int featuresSlot = binder.input(featuresColumn, DataType.VECTOR).slot();
        if (predictionColumn.isEmpty()) {
            return frame -> true;
        }
        int predictionSlot = binder.output(predictionColumn, DataType.DOUBLE).slot();
        return frame -> {
            if (frame.isNull(featuresSlot)) {
                throw new RowException(featuresColumn, "null in column " + featuresColumn + "; the model needs a feature vector");
            }
            frame.setDouble(predictionSlot, raw(frame.getVector(featuresSlot)));
            return true;
        };
    }
}
