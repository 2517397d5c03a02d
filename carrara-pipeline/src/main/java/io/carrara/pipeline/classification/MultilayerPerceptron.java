package io.carrara.pipeline.classification;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import java.util.Set;

/**
 * Spark's {@code MultilayerPerceptronClassificationModel}: affine layers ({@code b + W x}, W
 * column-major in the saved weight vector, then b) with sigmoid between them. Raw prediction is
 * the last affine layer's output; probability its softmax (dividing by the sum, as Spark's ANN
 * softmax does); {@code predict} takes the argmax of that softmax.
 */
public final class MultilayerPerceptron implements Stage {
    private final String description;
    private final int[] layers;
    private final double[] weights;
    private final ProbabilisticOutputs outputs;

    private MultilayerPerceptron(SavedStage saved, int[] layers, double[] weights) {
        this.description = saved.description();
        this.layers = layers;
        this.weights = weights;
        this.outputs = new ProbabilisticOutputs(saved.params(), layers[layers.length - 1]);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            double[] layerSizes = saved.params().getDoubleArray("layers");
            int[] layers = new int[layerSizes.length];
            long expected = 0;
            for (int i = 0; i < layers.length; i++) {
                layers[i] = (int) layerSizes[i];
                if (i > 0) {
                    expected += (long) layers[i - 1] * layers[i] + layers[i];
                }
            }
            if (layers.length < 2) {
                throw saved.params().invalid("layers needs an input and an output size");
            }
            double[] weights = saved.singleDataRecord().getVector("weights").toArray();
            if (weights.length != expected) {
                throw saved.params().invalid("layers need " + expected + " weights, the data has " + weights.length);
            }
            return new MultilayerPerceptron(saved, layers, weights);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        String featuresColumn = outputs.featuresColumn();
        ProbabilisticOutputs.Model model = new ProbabilisticOutputs.Model() {
            @Override
            public double[] raw(Vector features) {
                return forward(features, featuresColumn);
            }

            @Override
            public void probabilityInPlace(double[] raw) {
                double max = -Double.MAX_VALUE;
                for (double value : raw) {
                    if (value > max) {
                        max = value;
                    }
                }
                double sum = 0.0;
                for (int k = 0; k < raw.length; k++) {
                    raw[k] = Math.exp(raw[k] - max);
                    sum += raw[k];
                }
                for (int k = 0; k < raw.length; k++) {
                    raw[k] /= sum;
                }
            }

            @Override
            public double predict(Vector features) {
                double[] probability = raw(features);
                probabilityInPlace(probability);
                return ProbabilisticOutputs.argmax(probability);
            }
        };
        return outputs.compile(binder, model, layers[0]);
    }

    /** The last affine layer's output. */
    private double[] forward(Vector features, String featuresColumn) {
        if (features.size() != layers[0]) {
            throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + features.size()
                    + "; the network's input layer has " + layers[0]);
        }
        double[] input = features.toArray();
        int offset = 0;
        for (int layer = 1; layer < layers.length; layer++) {
            int numIn = layers[layer - 1];
            int numOut = layers[layer];
            double[] output = new double[numOut];
            int biasOffset = offset + numIn * numOut;
            for (int r = 0; r < numOut; r++) {
                double sum = 0.0;
                for (int c = 0; c < numIn; c++) {
                    sum += weights[offset + c * numOut + r] * input[c];
                }
                output[r] = weights[biasOffset + r] + sum;
            }
            offset = biasOffset + numOut;
            if (layer < layers.length - 1) {
                for (int r = 0; r < numOut; r++) {
                    output[r] = 1.0 / (1.0 + Math.exp(-output[r]));
                }
            }
            input = output;
        }
        return input;
    }
}
