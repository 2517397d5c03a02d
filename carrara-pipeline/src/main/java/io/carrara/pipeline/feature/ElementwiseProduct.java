package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;


import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/** Spark's {@code ElementwiseProduct}: the Hadamard product with {@code scalingVec}; sparse input stays sparse. */
public final class ElementwiseProduct extends VectorMapping {
    private final double[] scaling;

    private ElementwiseProduct(SavedStage saved, double[] scaling) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.scaling = scaling;
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.ElementwiseProduct");
        }

        @Override
        public Stage load(SavedStage saved) {
            // scalingVec is a vector param, saved in the metadata as {"type":1,"values":[...]} (dense) or with size and indices.
            var json = saved.params().find("scalingVec").orElseThrow(() -> saved.params().invalid("scalingVec is not set"));
            double[] values = new double[json.path("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = json.path("values").get(i).asDouble();
            }
            if (json.path("type").asInt() == 0) {
                double[] dense = new double[json.path("size").asInt()];
                for (int k = 0; k < values.length; k++) {
                    dense[json.path("indices").get(k).asInt()] = values[k];
                }
                values = dense;
            }
            return new ElementwiseProduct(saved, values);
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(scaling.length);
    }

    @Override
    String stageName() {
        return "ElementwiseProduct";
    }

    @Override
    String invalid(Vector vector) {
        return vector.size() == scaling.length ? null
                : "holds a vector of size " + vector.size() + "; ElementwiseProduct multiplies by a vector of size " + scaling.length;
    }

    @Override
    Vector map(Vector vector) {
        return vector.multipliedBy(scaling);
    }
}
