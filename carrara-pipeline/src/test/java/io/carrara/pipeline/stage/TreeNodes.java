package io.carrara.pipeline.stage;

import java.util.List;
import java.util.Map;

/** Spark's saved {@code NodeData} rows, spelled by hand for tree stage tests. */
public final class TreeNodes {
    private TreeNodes() {
    }

    /** An internal node sending {@code feature <= threshold} to {@code left}. */
    public static Map<String, Object> split(int id, int left, int right, int feature, double threshold, double... impurityStats) {
        return node(id, left, right, 0.0, impurityStats, feature, List.of(threshold), -1);
    }

    /** A leaf with its prediction and class counts (or, for regression, variance statistics). */
    public static Map<String, Object> leaf(int id, double prediction, double... impurityStats) {
        // Spark writes a leaf's split as feature -1 with no threshold.
        return node(id, -1, -1, prediction, impurityStats, -1, List.of(), -1);
    }

    private static Map<String, Object> node(int id, int left, int right, double prediction, double[] impurityStats, int feature,
                                            List<Double> leftCategoriesOrThreshold, int numCategories) {
        return SavedStages.row("id", id, "prediction", prediction, "impurity", 0.0,
                "impurityStats", java.util.Arrays.stream(impurityStats).boxed().toList(), "gain", 0.0,
                "leftChild", left, "rightChild", right,
                "split", SavedStages.row("featureIndex", feature, "leftCategoriesOrThreshold", leftCategoriesOrThreshold,
                        "numCategories", numCategories));
    }

    /** An ensemble's data row: the tree's id and one of its nodes. */
    public static Map<String, Object> inTree(int treeId, Map<String, Object> node) {
        return SavedStages.row("treeID", treeId, "nodeData", node);
    }

    /** An ensemble's {@code treesMetadata} row as Spark up to 4.0 names it. */
    public static Map<String, Object> treeWeight(int treeId, double weight) {
        return SavedStages.row("treeID", treeId, "metadata", "{}", "weights", weight);
    }
}
