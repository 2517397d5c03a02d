package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;


import io.carrara.pipeline.linalg.Vector;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.OptionalInt;
import java.util.Set;

/** Spark's {@code IDFModel}: term frequencies multiplied by the fitted IDF weights; sparse input stays sparse. */
public final class InverseDocumentFrequency extends VectorMapping {
    private final double[] idf;

    private InverseDocumentFrequency(SavedStage saved, Vector idf) {
        super(saved.description(), saved.params().getString("inputCol"), saved.params().getString("outputCol"));
        this.idf = idf.toArray();
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.IDFModel");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new InverseDocumentFrequency(saved, saved.singleDataRecord().getVector("idf"));
        }
    }

    @Override
    OptionalInt outputSize(OptionalInt inputSize) {
        return OptionalInt.of(idf.length);
    }

    @Override
    String stageName() {
        return "IDF";
    }

    @Override
    String invalid(Vector vector) {
        return vector.size() == idf.length ? null : "holds a vector of size " + vector.size() + "; IDF was fitted on size " + idf.length;
    }

    @Override
    Vector map(Vector vector) {
        return vector.multipliedBy(idf);
    }
}
