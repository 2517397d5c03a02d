package io.carrara.pipeline.clustering;

import io.carrara.pipeline.format.DataRecord;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.VectorInput;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Spark's {@code KMeansModel}: the index (an integer column) of the nearest cluster center, by
 * squared Euclidean distance or by cosine distance; the first center wins a tie.
 */
public final class KMeans implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String predictionColumn;
    private final double[][] centers;
    private final double[] centerNorms;
    private final boolean cosine;

    private KMeans(SavedStage saved, double[][] centers) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        String measure = saved.params().getString("distanceMeasure");
        if (!measure.equals("euclidean") && !measure.equals("cosine")) {
            throw saved.params().invalid("distanceMeasure is '" + measure + "'; Spark writes euclidean or cosine");
        }
        this.cosine = measure.equals("cosine");
        this.centers = centers;
        this.centerNorms = new double[centers.length];
        for (int c = 0; c < centers.length; c++) {
            double sum = 0.0;
            for (double value : centers[c]) {
                sum += value * value;
            }
            centerNorms[c] = Math.sqrt(sum);
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.clustering.KMeansModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            List<DataRecord> rows = saved.data();
            TreeMap<Integer, double[]> byIndex = new TreeMap<>();
            for (DataRecord row : rows) {
                byIndex.put(row.getInt("clusterIdx"), row.getVector("clusterCenter").toArray());
            }
            if (byIndex.isEmpty() || byIndex.firstKey() != 0 || byIndex.lastKey() != byIndex.size() - 1) {
                throw saved.params().invalid("cluster indices are not 0 to k-1: " + byIndex.keySet());
            }
            return new KMeans(saved, byIndex.values().toArray(double[][]::new));
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
            frame.setDouble(predictionSlot, closest(x));
            return true;
        };
    }

    private int closest(Vector x) {
        double norm = 0.0;
        for (int k = 0; k < x.activeCount(); k++) {
            norm += x.activeValue(k) * x.activeValue(k);
        }
        norm = Math.sqrt(norm);
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centers.length; c++) {
            double[] center = centers[c];
            double distance;
            if (cosine) {
                double dot = 0.0;
                for (int k = 0; k < x.activeCount(); k++) {
                    dot += center[x.activeIndex(k)] * x.activeValue(k);
                }
                // Spark divides by the center norm, then the point norm.
                distance = 1 - dot / centerNorms[c] / norm;
            } else {
                distance = 0.0;
                for (int i = 0; i < center.length; i++) {
                    double difference = x.get(i) - center[i];
                    distance += difference * difference;
                }
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }
}
