package io.carrara.pipeline.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.GoldenCase;
import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.ModelDirectory;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TreeEnsembleTest {
    private static final GoldenCase TREES = GoldenCase.of("4.1.0", "trips-gradient-boosted-trees");

    private static final GoldenCase SPARK_35_TREES = GoldenCase.of("3.5.6", "trips-gradient-boosted-trees");

    private static SavedStage gbt() throws IOException {
        return gbt(TREES);
    }

    private static SavedStage gbt(GoldenCase golden) throws IOException {
        try (Stream<Path> stages = Files.list(golden.model().resolve("stages"))) {
            Path directory = stages.filter(dir -> dir.getFileName().toString().startsWith("2_gbtc_")).findFirst().orElseThrow();
            ModelDirectory model = ModelDirectory.of(golden.model());
            return new SavedStage(model, directory, 2, MetadataReader.read(model, directory, "gbt"));
        }
    }

    @Test
    void readsSpark41TupleTreesMetadataWithWeights() throws IOException {
        SavedStage saved = gbt();
        DataRecord firstTree = saved.table("treesMetadata").get(0);

        TreeEnsemble ensemble = TreeEnsemble.readEnsemble(saved);

        assertThat(firstTree.columns()).containsExactly("_1", "_2", "_3");
        assertThat(ensemble.trees()).hasSize(10);
        assertThat(ensemble.weights()[0]).isEqualTo(1.0);
        assertThat(ensemble.weights()[1]).isEqualTo(0.1);
        assertThat(ensemble.numFeatures()).isEqualTo(6);
    }

    @Test
    void readsSpark35NamedTreesMetadata() throws IOException {
        SavedStage saved = gbt(SPARK_35_TREES);
        DataRecord firstTree = saved.table("treesMetadata").get(0);

        TreeEnsemble ensemble = TreeEnsemble.readEnsemble(saved);

        assertThat(firstTree.columns()).containsExactly("treeID", "metadata", "weights");
        assertThat(ensemble.trees()).hasSize(10);
        assertThat(ensemble.weights()[1]).isEqualTo(0.1);
    }

    @Test
    void theTripsTreesSplitOnCategoricalCities() throws IOException {
        long categoricalSplits = gbt().data().stream()
                .map(row -> row.getRecord("nodeData"))
                .filter(node -> node.getInt("leftChild") >= 0 && node.getRecord("split").getInt("numCategories") > 0)
                .count();

        assertThat(categoricalSplits).isPositive();
    }

    @Test
    void aCategoricalSplitTestsTheSmallerSetAsSparkDoes() {
        // Root splits feature 0 with left categories {0, 1, 2} of 4: Spark keeps the complement {3}
        // and sends anything not in it left, so an unknown category 7 goes left.
        List<DataRecord> nodes = List.of(
                node(0, 1, 2, split(0, new double[] {0, 1, 2}, 4), 0.0),
                node(1, -1, -1, null, 10.0),
                node(2, -1, -1, null, 20.0));
        DecisionTree tree = DecisionTree.fromNodes(nodes, "test");

        assertThat(tree.prediction(tree.leaf(new DenseVector(new double[] {3})))).isEqualTo(20.0);
        assertThat(tree.prediction(tree.leaf(new DenseVector(new double[] {1})))).isEqualTo(10.0);
        assertThat(tree.prediction(tree.leaf(new DenseVector(new double[] {7})))).isEqualTo(10.0);
        assertThat(tree.leafIndex(2)).isEqualTo(1);
    }

    @Test
    void refusesNodesThatDoNotFormOneTree() {
        List<DataRecord> nodes = List.of(node(0, 1, 1, split(0, new double[] {0.5}, -1), 0.0), node(1, -1, -1, null, 1.0));

        assertThatThrownBy(() -> DecisionTree.fromNodes(nodes, "stage 5")).isInstanceOf(ModelException.class)
                .hasMessageStartingWith("stage 5: ");
    }

    private static DataRecord split(int feature, double[] leftCategoriesOrThreshold, int numCategories) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("featureIndex", feature);
        values.put("leftCategoriesOrThreshold", java.util.Arrays.stream(leftCategoriesOrThreshold).boxed().toList());
        values.put("numCategories", numCategories);
        return new DataRecord(values, "test");
    }

    private static DataRecord node(int id, int left, int right, DataRecord split, double prediction) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("id", id);
        values.put("prediction", prediction);
        values.put("impurityStats", List.of(1.0, 1.0));
        values.put("leftChild", left);
        values.put("rightChild", right);
        values.put("split", split);
        return new DataRecord(values, "test");
    }
}
