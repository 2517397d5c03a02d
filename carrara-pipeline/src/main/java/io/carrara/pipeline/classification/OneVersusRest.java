package io.carrara.pipeline.classification;

import io.carrara.pipeline.error.RowException;
import io.carrara.pipeline.format.MetadataReader;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.pipeline.linalg.DenseVector;
import io.carrara.pipeline.linalg.Vector;
import io.carrara.spi.schema.DataType;
import io.carrara.spi.schema.Field;
import io.carrara.pipeline.stage.Column;
import io.carrara.pipeline.stage.Frame;
import io.carrara.pipeline.stage.RowOperation;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageBinder;
import io.carrara.pipeline.stage.StageLoader;
import io.carrara.pipeline.stage.StageLoaderRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Spark's {@code OneVsRestModel}: one binary classifier per class, saved in {@code model_<i>} and
 * loaded through the same stage loaders. Each one's confidence is element 1 of its raw
 * prediction; the raw prediction column holds the confidences and the prediction is the first
 * class with the highest one.
 */
public final class OneVersusRest implements Stage {
    private final String description;
    private final String featuresColumn;
    private final String rawPredictionColumn;
    private final String predictionColumn;
    private final List<SubModel> models;

    /** A loaded binary model and the parameters OneVsRest overrides when it runs it. */
    private record SubModel(Stage stage, String featuresColumn, String rawPredictionColumn) {
    }

    private OneVersusRest(SavedStage saved, List<SubModel> models) {
        this.description = saved.description();
        this.featuresColumn = saved.params().getString("featuresCol");
        this.rawPredictionColumn = saved.params().getString("rawPredictionCol");
        this.predictionColumn = saved.params().getString("predictionCol");
        this.models = List.copyOf(models);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.classification.OneVsRestModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            int numClasses = saved.metadata().json().path("numClasses").asInt(-1);
            if (numClasses < 1) {
                throw saved.params().invalid("metadata gives no numClasses");
            }
            List<SubModel> models = new ArrayList<>(numClasses);
            for (int i = 0; i < numClasses; i++) {
                SavedStage model = binaryModel(saved, i);
                String raw = model.params().getString("rawPredictionCol");
                if (raw.isEmpty()) {
                    throw model.params().invalid("the binary model has no rawPredictionCol, which OneVsRest reads");
                }
                models.add(new SubModel(StageLoaderRegistry.discover().load(model), model.params().getString("featuresCol"), raw));
            }
            return new OneVersusRest(saved, models);
        }

        @Override
        public void checkLayout(SavedStage saved) {
            int numClasses = saved.metadata().json().path("numClasses").asInt(-1);
            for (int i = 0; i < numClasses; i++) {
                StageLoaderRegistry.discover().checkLayout(binaryModel(saved, i));
            }
        }

        /** Spark saves the binary model for class {@code i} in {@code model_<i>}. */
        private static SavedStage binaryModel(SavedStage saved, int i) {
            Path directory = saved.resolve("model_" + i);
            return new SavedStage(saved.model(), directory, i, MetadataReader.read(saved.model(), directory, saved.description() + " model_" + i));
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public RowOperation compile(StageBinder binder) {
        Column features = binder.input(featuresColumn, DataType.VECTOR);
        int count = models.size();
        RowOperation[] operations = new RowOperation[count];
        int[] rawSlots = new int[count];
        int[] frameSizes = new int[count];
        for (int i = 0; i < count; i++) {
            SubModel model = models.get(i);
            // Each binary model runs on its own frame holding only the features, under its own column name.
            StageBinder modelBinder = new StageBinder(List.of(new Field(model.featuresColumn(), DataType.VECTOR, features.vectorSize())));
            modelBinder.enterStage(model.stage().description());
            operations[i] = model.stage().compile(modelBinder);
            rawSlots[i] = modelBinder.input(model.rawPredictionColumn(), DataType.VECTOR).slot();
            frameSizes[i] = modelBinder.slotCount();
        }
        int rawSlot = rawPredictionColumn.isEmpty() ? -1 : binder.vectorOutput(rawPredictionColumn, count).slot();
        int predictionSlot = predictionColumn.isEmpty() ? -1 : binder.output(predictionColumn, DataType.DOUBLE).slot();
        if (rawSlot < 0 && predictionSlot < 0) {
            return frame -> true;
        }
        int featuresSlot = features.slot();
        return frame -> {
            if (frame.isNull(featuresSlot)) {
                throw new RowException(featuresColumn, "null in column " + featuresColumn + "; the models need a feature vector");
            }
            Vector x = frame.getVector(featuresSlot);
            double[] confidences = new double[count];
            for (int i = 0; i < count; i++) {
                Frame modelFrame = new Frame(frameSizes[i]);
                modelFrame.setObject(0, x);
                operations[i].apply(modelFrame);
                confidences[i] = modelFrame.getVector(rawSlots[i]).get(1);
            }
            if (rawSlot >= 0) {
                frame.setObject(rawSlot, new DenseVector(confidences.clone()));
            }
            if (predictionSlot >= 0) {
                frame.setDouble(predictionSlot, argmax(confidences));
            }
            return true;
        };
    }

    /** The first largest confidence; Spark SQL orders NaN above every number. */
    private static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (Double.compare(values[k], values[best]) > 0 && !(values[k] == 0.0 && values[best] == 0.0)) {
                best = k;
            }
        }
        return best;
    }
}
