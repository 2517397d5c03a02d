package io.carrara.pipeline.tree;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.linalg.Vector;
import java.util.Arrays;
import java.util.List;

/**
 * One fitted tree in flat arrays indexed by Spark's node id (pre-order from the root, 0), as
 * {@code NodeData} rows save it. Walking it per row touches only primitive arrays.
 */
public final class DecisionTree {
    private final int[] featureIndex;
    private final double[] threshold;
    /** Per categorical split: the category set Spark tests, and whether membership means left. */
    private final double[][] categories;
    private final boolean[] categoriesGoLeft;
    private final int[] left;
    private final int[] right;
    private final double[] prediction;
    private final double[][] impurityStats;
    private final int[] leafIndex;
    private final int numLeaves;

    private DecisionTree(int size) {
        featureIndex = new int[size];
        threshold = new double[size];
        categories = new double[size][];
        categoriesGoLeft = new boolean[size];
        left = new int[size];
        right = new int[size];
        prediction = new double[size];
        impurityStats = new double[size][];
        leafIndex = new int[size];
        Arrays.fill(leafIndex, -1);
        this.numLeaves = 0;
    }

    private DecisionTree(DecisionTree nodes, int numLeaves) {
        featureIndex = nodes.featureIndex;
        threshold = nodes.threshold;
        categories = nodes.categories;
        categoriesGoLeft = nodes.categoriesGoLeft;
        left = nodes.left;
        right = nodes.right;
        prediction = nodes.prediction;
        impurityStats = nodes.impurityStats;
        leafIndex = nodes.leafIndex;
        this.numLeaves = numLeaves;
    }

    /** Builds a tree from its {@code NodeData} records; {@code stage} names it in errors. */
    public static DecisionTree fromNodes(List<DataRecord> nodes, String stage) {
        int size = nodes.size();
        DecisionTree tree = new DecisionTree(size);
        boolean[] seen = new boolean[size];
        for (DataRecord node : nodes) {
            int id = node.getInt("id");
            if (id < 0 || id >= size || seen[id]) {
                throw invalid(stage, "node ids must be 0 to " + (size - 1) + " without repeats; found " + id);
            }
            seen[id] = true;
            tree.prediction[id] = node.getDouble("prediction");
            tree.impurityStats[id] = node.getDoubleArray("impurityStats");
            tree.left[id] = node.getInt("leftChild");
            tree.right[id] = node.getInt("rightChild");
            if (tree.left[id] >= 0) {
                if (tree.left[id] >= size || tree.right[id] < 0 || tree.right[id] >= size) {
                    throw invalid(stage, "node " + id + " has children " + tree.left[id] + " and " + tree.right[id]);
                }
                DataRecord split = node.getRecord("split");
                tree.featureIndex[id] = split.getInt("featureIndex");
                double[] leftCategoriesOrThreshold = split.getDoubleArray("leftCategoriesOrThreshold");
                int numCategories = split.getInt("numCategories");
                if (numCategories == -1) {
                    if (leftCategoriesOrThreshold.length != 1) {
                        throw invalid(stage, "continuous split of node " + id + " has " + leftCategoriesOrThreshold.length + " thresholds");
                    }
                    tree.threshold[id] = leftCategoriesOrThreshold[0];
                } else {
                    setCategories(tree, id, leftCategoriesOrThreshold, numCategories);
                }
            }
        }
        int numLeaves = numberLeaves(tree, stage);
        return new DecisionTree(tree, numLeaves);
    }

    /**
     * Spark keeps whichever of the left categories or their complement is smaller and tests
     * membership in it, which differs from "is a left category" for values that are no category.
     */
    private static void setCategories(DecisionTree tree, int id, double[] leftCategories, int numCategories) {
        boolean isLeft = leftCategories.length <= numCategories / 2;
        double[] set;
        if (isLeft) {
            set = leftCategories.clone();
        } else {
            double[] sortedLeft = leftCategories.clone();
            Arrays.sort(sortedLeft);
            set = java.util.stream.IntStream.range(0, numCategories).asDoubleStream()
                    .filter(category -> Arrays.binarySearch(sortedLeft, category) < 0).toArray();
        }
        Arrays.sort(set);
        tree.categories[id] = set;
        tree.categoriesGoLeft[id] = isLeft;
    }

    /** Numbers leaves left to right, as Spark's {@code predictLeaf} does, and checks the tree is one connected tree. */
    private static int numberLeaves(DecisionTree tree, String stage) {
        int size = tree.left.length;
        if (size == 0) {
            throw invalid(stage, "a tree has no nodes");
        }
        int[] stack = new int[size];
        int top = 0;
        stack[top++] = 0;
        int visited = 0;
        int leaves = 0;
        while (top > 0) {
            int node = stack[--top];
            if (++visited > size) {
                throw invalid(stage, "the tree's child links form a cycle");
            }
            if (tree.left[node] < 0) {
                tree.leafIndex[node] = leaves++;
            } else {
                stack[top++] = tree.right[node];
                stack[top++] = tree.left[node];
            }
        }
        if (visited != size) {
            throw invalid(stage, "the tree has " + size + " nodes but " + visited + " are reachable from the root");
        }
        return leaves;
    }

    private static ModelException invalid(String stage, String message) {
        return new ModelException(PipelineErrorCode.STAGE_INVALID, stage, message);
    }

    /** The leaf the features fall into. */
    public int leaf(Vector features) {
        int node = 0;
        while (left[node] >= 0) {
            node = next(node, features.get(featureIndex[node]));
        }
        return node;
    }

    /** The leaf the features fall into, read from a dense array such as {@link FeatureScratch#dense}. */
    public int leaf(double[] features) {
        int node = 0;
        while (left[node] >= 0) {
            node = next(node, features[featureIndex[node]]);
        }
        return node;
    }

    private int next(int node, double value) {
        boolean goLeft;
        double[] set = categories[node];
        if (set == null) {
            goLeft = value <= threshold[node];
        } else {
            boolean member = Arrays.binarySearch(set, value) >= 0;
            goLeft = categoriesGoLeft[node] == member;
        }
        return goLeft ? left[node] : right[node];
    }

    public double prediction(int node) {
        return prediction[node];
    }

    /** The node's impurity statistics: class counts for classification, count/sum/sum of squares for variance. */
    public double[] impurityStats(int node) {
        return impurityStats[node];
    }

    /** The leaf's position among leaves in left-to-right order. */
    public int leafIndex(int node) {
        return leafIndex[node];
    }

    public int numLeaves() {
        return numLeaves;
    }

    /** The largest feature index a split reads, or -1. */
    public int maxFeatureIndex() {
        int max = -1;
        for (int node = 0; node < left.length; node++) {
            if (left[node] >= 0) {
                max = Math.max(max, featureIndex[node]);
            }
        }
        return max;
    }
}
