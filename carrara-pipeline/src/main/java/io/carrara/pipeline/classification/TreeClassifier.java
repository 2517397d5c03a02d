package io.carrara.pipeline.classification;

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
import java.util.List;
import java.util.Set;

/**
 * Spark's tree classifiers: {@code DecisionTreeClassificationModel} (raw = the leaf's class
 * counts), {@code RandomForestClassificationModel} (raw = the sum of each tree's class
 * frequencies) and {@code GBTClassificationModel} (raw = [-m, m] for the weighted margin m,
 * probability from the logistic loss, 1/(1+e^(-2m))). Probability normalizes the raw scores for
 * the first two. {@code leafCol}, when set, adds the leaf index (a vector of them for ensembles),
 * counting leaves left to right.
 */
public final class TreeClassifier implements Stage {
    private enum Kind { DECISION_TREE, RANDOM_FOREST, GRADIENT_BOOSTED }

    private final String description;
    private final Kind kind;
    private final TreeEnsemble ensemble;
    private final ProbabilisticOutputs outputs;
    private final String leafColumn;
    private final int numClasses;

    private TreeClassifier(SavedStage saved, Kind kind, TreeEnsemble ensemble, int numClasses) {
        this.description = saved.description();
        this.kind = kind;
        this.ensemble = ensemble;
        this.numClasses = numClasses;
        this.outputs = new ProbabilisticOutputs(saved.params(), numClasses);
        this.leafColumn = saved.params().findString("leafCol").orElse("");
    }

    public static final class Loader implements StageLoader {
        private static final String DECISION_TREE = "org.apache.spark.ml.classification.DecisionTreeClassificationModel";
        private static final String RANDOM_FOREST = "org.apache.spark.ml.classification.RandomForestClassificationModel";
        private static final String GRADIENT_BOOSTED = "org.apache.spark.ml.classification.GBTClassificationModel";

        @Override
        public Set<String> sparkClassNames() {
            return Set.of(DECISION_TREE, RANDOM_FOREST, GRADIENT_BOOSTED);
        }

        @Override
        public Stage load(SavedStage saved) {
            return switch (saved.className()) {
                case DECISION_TREE -> new TreeClassifier(saved, Kind.DECISION_TREE, TreeEnsemble.readSingleTree(saved),
                        TreeEnsemble.numClasses(saved, -1));
                case RANDOM_FOREST -> new TreeClassifier(saved, Kind.RANDOM_FOREST, TreeEnsemble.readEnsemble(saved),
                        TreeEnsemble.numClasses(saved, -1));
                default -> new TreeClassifier(saved, Kind.GRADIENT_BOOSTED, TreeEnsemble.readEnsemble(saved), 2);
            };
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        if (numClasses < 2) {
            throw binder.invalid("metadata gives no numClasses");
        }
        List<DecisionTree> trees = ensemble.trees();
        DecisionTree[] treeArray = trees.toArray(DecisionTree[]::new);
        double[] weights = ensemble.weights();
        int minimumSize = trees.stream().mapToInt(DecisionTree::maxFeatureIndex).max().orElse(-1) + 1;
        String featuresColumn = outputs.featuresColumn();
        ProbabilisticOutputs.Model model = switch (kind) {
            case DECISION_TREE -> new ProbabilisticOutputs.Model() {
                @Override
                public double[] raw(Vector features) {
                    return treeArray[0].impurityStats(treeArray[0].leaf(features)).clone();
                }

                @Override
                public void probabilityInPlace(double[] raw) {
                    ProbabilisticOutputs.normalizeInPlace(raw, featuresColumn);
                }

                @Override
                public double predict(Vector features) {
                    return treeArray[0].prediction(treeArray[0].leaf(features));
                }
            };
            case RANDOM_FOREST -> new ProbabilisticOutputs.Model() {
                @Override
                public double[] raw(Vector features) {
                    double[] votes = new double[numClasses];
                    double[] dense = FeatureScratch.dense(features);
                    try {
                        addVotes(votes, treeArray, dense);
                    } finally {
                        FeatureScratch.release(features, dense);
                    }
                    return votes;
                }

                private void addVotes(double[] votes, DecisionTree[] trees, double[] dense) {
                    for (DecisionTree tree : trees) {
                        double[] counts = tree.impurityStats(tree.leaf(dense));
                        double total = 0.0;
                        for (double count : counts) {
                            total += count;
                        }
                        if (total != 0) {
                            for (int k = 0; k < numClasses; k++) {
                                votes[k] += counts[k] / total;
                            }
                        }
                    }
                }

                @Override
                public void probabilityInPlace(double[] raw) {
                    ProbabilisticOutputs.normalizeInPlace(raw, featuresColumn);
                }

                @Override
                public double predict(Vector features) {
                    return outputs.fromRaw(this, raw(features));
                }
            };
            case GRADIENT_BOOSTED -> new ProbabilisticOutputs.Model() {
                @Override
                public double[] raw(Vector features) {
                    double margin = margin(treeArray, weights, features);
                    return new double[] {-margin, margin};
                }

                @Override
                public void probabilityInPlace(double[] raw) {
                    raw[0] = 1.0 / (1.0 + Math.exp(-2.0 * raw[0]));
                    raw[1] = 1.0 - raw[0];
                }

                @Override
                public double predict(Vector features) {
                    return outputs.hasThresholds() ? outputs.fromRaw(this, raw(features))
                            : margin(treeArray, weights, features) > 0.0 ? 1.0 : 0.0;
                }
            };
        };
        RowOperation scores = outputs.compile(binder, model, minimumSize);
        if (leafColumn.isEmpty()) {
            return scores;
        }
        int featuresSlot = binder.input(featuresColumn, DataType.VECTOR).slot();
        boolean single = kind == Kind.DECISION_TREE;
        int leafSlot = single ? binder.output(leafColumn, DataType.DOUBLE).slot() : binder.vectorOutput(leafColumn, treeArray.length).slot();
        return frame -> {
            scores.apply(frame);
            Vector features = outputs.features(frame.isNull(featuresSlot) ? null : frame.getVector(featuresSlot), minimumSize);
            if (single) {
                frame.setDouble(leafSlot, treeArray[0].leafIndex(treeArray[0].leaf(features)));
            } else {
                frame.setObject(leafSlot, leafIndices(treeArray, features));
            }
            return true;
        };
    }

    static double margin(DecisionTree[] trees, double[] weights, Vector features) {
        double[] dense = FeatureScratch.dense(features);
        try {
            double margin = 0.0;
            for (int i = 0; i < trees.length; i++) {
                margin += trees[i].prediction(trees[i].leaf(dense)) * weights[i];
            }
            return margin;
        } finally {
            FeatureScratch.release(features, dense);
        }
    }

    static Vector leafIndices(DecisionTree[] trees, Vector features) {
        double[] indices = new double[trees.length];
        for (int i = 0; i < trees.length; i++) {
            indices[i] = trees[i].leafIndex(trees[i].leaf(features));
        }
        return new DenseVector(indices);
    }
}
