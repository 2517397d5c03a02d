package io.carrara.pipeline.regression;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.tree.DecisionTree;
import io.carrara.pipeline.tree.FeatureScratch;
import io.carrara.pipeline.tree.TreeEnsemble;
import java.util.Set;

/**
 * Spark's tree regressors: {@code DecisionTreeRegressionModel} (the leaf's prediction, and with
 * {@code varianceCol} the leaf's variance from its count, sum and sum of squares),
 * {@code RandomForestRegressionModel} (the mean of the trees) and {@code GBTRegressionModel}
 * (the weighted sum). {@code leafCol} adds leaf indices, counting leaves left to right.
 */
public final class TreeRegressor implements Stage {
    private enum Kind { DECISION_TREE, RANDOM_FOREST, GRADIENT_BOOSTED }

    private final String description;
    private final Kind kind;
    private final TreeEnsemble ensemble;
    private final String featuresColumn;
    private final String predictionColumn;
    private final String varianceColumn;
    private final String leafColumn;

    private TreeRegressor(SavedStage saved, Kind kind, TreeEnsemble ensemble) {
        this.description = saved.description();
        this.kind = kind;
        this.ensemble = ensemble;
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.varianceColumn = kind == Kind.DECISION_TREE ? saved.params().findString("varianceCol").orElse("") : "";
        this.leafColumn = saved.params().findString("leafCol").orElse("");
    }

    public static final class Loader implements StageLoader {
        private static final String DECISION_TREE = "org.apache.spark.ml.regression.DecisionTreeRegressionModel";
        private static final String RANDOM_FOREST = "org.apache.spark.ml.regression.RandomForestRegressionModel";
        private static final String GRADIENT_BOOSTED = "org.apache.spark.ml.regression.GBTRegressionModel";

        @Override
        public Set<String> sparkClassNames() {
            return Set.of(DECISION_TREE, RANDOM_FOREST, GRADIENT_BOOSTED);
        }

        @Override
        public Stage load(SavedStage saved) {
            return switch (saved.className()) {
                case DECISION_TREE -> new TreeRegressor(saved, Kind.DECISION_TREE, TreeEnsemble.readSingleTree(saved));
                case RANDOM_FOREST -> new TreeRegressor(saved, Kind.RANDOM_FOREST, TreeEnsemble.readEnsemble(saved));
                default -> new TreeRegressor(saved, Kind.GRADIENT_BOOSTED, TreeEnsemble.readEnsemble(saved));
            };
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        DecisionTree[] trees = ensemble.trees().toArray(DecisionTree[]::new);
        double[] weights = ensemble.weights();
        int minimumSize = ensemble.trees().stream().mapToInt(DecisionTree::maxFeatureIndex).max().orElse(-1) + 1;
        int featuresSlot = binder.input(featuresColumn, DataType.VECTOR).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        int varianceSlot = varianceColumn.isEmpty() ? -1 : binder.output(varianceColumn, DataType.DOUBLE).slot();
        int leafSlot = leafColumn.isEmpty() ? -1
                : kind == Kind.DECISION_TREE ? binder.output(leafColumn, DataType.DOUBLE).slot()
                : binder.vectorOutput(leafColumn, trees.length).slot();
        return frame -> {
            if (frame.isNull(featuresSlot)) {
                throw new RowException(featuresColumn, "null in column " + featuresColumn + "; the model needs a feature vector");
            }
            Vector features = frame.getVector(featuresSlot);
            if (features.size() < minimumSize) {
                throw new RowException(featuresColumn, "column " + featuresColumn + " holds a vector of size " + features.size()
                        + "; the model reads features up to index " + (minimumSize - 1));
            }
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, predict(trees, weights, features));
            }
            if (varianceSlot >= 0) {
                double[] stats = trees[0].impurityStats(trees[0].leaf(features));
                double count = stats[0];
                frame.setDouble(varianceSlot, count == 0 ? 0.0 : (stats[2] - (stats[1] * stats[1]) / count) / count);
            }
            if (leafSlot >= 0) {
                if (kind == Kind.DECISION_TREE) {
                    frame.setDouble(leafSlot, trees[0].leafIndex(trees[0].leaf(features)));
                } else {
                    double[] indices = new double[trees.length];
                    for (int i = 0; i < trees.length; i++) {
                        indices[i] = trees[i].leafIndex(trees[i].leaf(features));
                    }
                    frame.setObject(leafSlot, new DenseVector(indices));
                }
            }
            return true;
        };
    }

    private double predict(DecisionTree[] trees, double[] weights, Vector features) {
        switch (kind) {
            case DECISION_TREE:
                return trees[0].prediction(trees[0].leaf(features));
            case RANDOM_FOREST: {
                double[] dense = FeatureScratch.dense(features);
                try {
                    double sum = 0.0;
                    for (DecisionTree tree : trees) {
                        sum += tree.prediction(tree.leaf(dense));
                    }
                    return sum / trees.length;
                } finally {
                    FeatureScratch.release(features, dense);
                }
            }
            default: {
                double[] dense = FeatureScratch.dense(features);
                try {
                    double sum = 0.0;
                    for (int i = 0; i < trees.length; i++) {
                        sum += trees[i].prediction(trees[i].leaf(dense)) * weights[i];
                    }
                    return sum;
                } finally {
                    FeatureScratch.release(features, dense);
                }
            }
        }
    }
}
