package io.carrara.pipeline.clustering;

import com.fasterxml.jackson.databind.JsonNode;
import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spark's {@code BisectingKMeansModel}, which saves the older mllib model under {@code data/}
 * (its own {@code metadata/} with the root and distance measure, and {@code data/} with one row per
 * tree node). A point descends from the root to the child with the lowest cost (squared
 * Euclidean distance, or cosine distance) and takes the leaf's cluster index, an integer.
 */
public final class BisectingKMeans implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final boolean cosine;
    /** Per node: its center, norm, children (node positions) and index; the root is node 0. */
    private final double[][] centers;
    private final double[] norms;
    private final int[][] children;
    private final int[] clusterIndex;

    private BisectingKMeans(SavedStage saved, boolean cosine, double[][] centers, double[] norms, int[][] children, int[] clusterIndex) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.cosine = cosine;
        this.centers = centers;
        this.norms = norms;
        this.children = children;
        this.clusterIndex = clusterIndex;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.clustering.BisectingKMeansModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            // An mllib model saved inside the ml one's data/: its own metadata/ and data/.
            JsonNode metadata = MetadataReader.readJson(saved.model(), saved.resolve("data", "metadata"), saved.description());
            int rootId = metadata.path("rootId").asInt();
            String measure = metadata.path("distanceMeasure").asText("euclidean");
            if (!measure.equals("euclidean") && !measure.equals("cosine")) {
                throw saved.params().invalid("distanceMeasure is '" + measure + "'");
            }
            List<DataRecord> rows = saved.table("data", "data");
            Map<Integer, Integer> positionByIndex = new HashMap<>();
            // The root goes first so the walk starts at position 0.
            int position = 1;
            for (DataRecord row : rows) {
                int index = row.getInt("index");
                positionByIndex.put(index, index == rootId ? 0 : position++);
            }
            if (!positionByIndex.containsKey(rootId) || positionByIndex.size() != rows.size()) {
                throw saved.params().invalid("the cluster tree has no root " + rootId + " or repeats a node index");
            }
            int size = rows.size();
            double[][] centers = new double[size][];
            double[] norms = new double[size];
            int[][] children = new int[size][];
            int[] clusterIndex = new int[size];
            for (DataRecord row : rows) {
                int at = positionByIndex.get(row.getInt("index"));
                centers[at] = row.getVector("center").toArray();
                norms[at] = row.getDouble("norm");
                clusterIndex[at] = row.getInt("index");
                int[] childIndices = row.getIntArray("children");
                children[at] = new int[childIndices.length];
                for (int c = 0; c < childIndices.length; c++) {
                    Integer child = positionByIndex.get(childIndices[c]);
                    if (child == null) {
                        throw saved.params().invalid("node " + row.getInt("index") + " has an unknown child " + childIndices[c]);
                    }
                    children[at][c] = child;
                }
            }
            return new BisectingKMeans(saved, measure.equals("cosine"), centers, norms, children, clusterIndex);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        int size = centers[0].length;
        VectorInput input = VectorInput.bind(binder, featuresColumn, size);
        int predictionSlot = binder.output(predictionColumn, DataType.INTEGER).slot();
        return frame -> {
            Vector x = input.read(frame);
            double norm = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                norm += x.activeValue(k) * x.activeValue(k);
            }
            norm = Math.sqrt(norm);
            int node = 0;
            while (children[node].length > 0) {
                int best = children[node][0];
                double bestCost = cost(best, x, norm);
                for (int c = 1; c < children[node].length; c++) {
                    double cost = cost(children[node][c], x, norm);
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = children[node][c];
                    }
                }
                node = best;
            }
            frame.setDouble(predictionSlot, clusterIndex[node]);
            return true;
        };
    }

    private double cost(int node, Vector x, double norm) {
        double[] center = centers[node];
        if (cosine) {
            double dot = 0.0;
            for (int k = 0; k < x.activeCount(); k++) {
                dot += center[x.activeIndex(k)] * x.activeValue(k);
            }
            return 1 - dot / norms[node] / norm;
        }
        double sum = 0.0;
        for (int i = 0; i < center.length; i++) {
            double difference = center[i] - x.get(i);
            sum += difference * difference;
        }
        return sum;
    }
}
