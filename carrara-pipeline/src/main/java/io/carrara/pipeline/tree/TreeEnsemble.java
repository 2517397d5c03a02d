package io.carrara.pipeline.tree;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trees and weights of a saved tree model. A single decision tree saves {@code NodeData}
 * rows in {@code data/}; an ensemble saves {@code (treeID, nodeData)} rows there and one row per
 * tree in {@code treesMetadata/}: named {@code treeID, metadata, weights} up to Spark 4.0, and
 * {@code _1, _2, _3} from 4.1, which saves a Scala tuple.
 */
public record TreeEnsemble(List<DecisionTree> trees, double[] weights, int numFeatures) {
    public TreeEnsemble {
        trees = List.copyOf(requireNonNull(trees, "trees is null"));
        requireNonNull(weights, "weights is null");
        if (weights.length != trees.size()) {
            throw new IllegalArgumentException(trees.size() + " trees but " + weights.length + " weights");
        }
    }

    public static TreeEnsemble readSingleTree(SavedStage saved) {
        DecisionTree tree = DecisionTree.fromNodes(saved.data(), saved.description());
        return new TreeEnsemble(List.of(tree), new double[] {1.0}, numFeatures(saved));
    }

    public static TreeEnsemble readEnsemble(SavedStage saved) {
        Map<Integer, List<DataRecord>> nodesByTree = new TreeMap<>();
        for (DataRecord row : saved.data()) {
            nodesByTree.computeIfAbsent(row.getInt("treeID"), id -> new ArrayList<>()).add(row.getRecord("nodeData"));
        }
        Map<Integer, Double> weightByTree = new TreeMap<>();
        if (!Files.isDirectory(saved.resolve("treesMetadata"))) {
            throw saved.params().invalid("missing treesMetadata directory");
        }
        for (DataRecord row : saved.table("treesMetadata")) {
            boolean tuple = row.has("_1");
            weightByTree.put(row.getInt(tuple ? "_1" : "treeID"), row.getDouble(tuple ? "_3" : "weights"));
        }
        if (!weightByTree.keySet().equals(nodesByTree.keySet())) {
            throw saved.params().invalid("treesMetadata lists trees " + weightByTree.keySet() + " but data holds trees " + nodesByTree.keySet());
        }
        List<DecisionTree> trees = new ArrayList<>();
        double[] weights = new double[nodesByTree.size()];
        int i = 0;
        for (Map.Entry<Integer, List<DataRecord>> entry : nodesByTree.entrySet()) {
            trees.add(DecisionTree.fromNodes(entry.getValue(), saved.description() + " tree " + entry.getKey()));
            weights[i++] = weightByTree.get(entry.getKey());
        }
        return new TreeEnsemble(trees, weights, numFeatures(saved));
    }

    private static int numFeatures(SavedStage saved) {
        return saved.metadata().json().path("numFeatures").asInt(-1);
    }

    /** {@code numClasses} from the metadata Spark adds for classifiers, or the given default. */
    public static int numClasses(SavedStage saved, int defaultValue) {
        return saved.metadata().json().path("numClasses").asInt(defaultValue);
    }
}
