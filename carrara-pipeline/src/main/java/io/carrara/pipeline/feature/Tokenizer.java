package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.List;
import java.util.Set;

/** Spark's {@code Tokenizer}: lower case (default locale), then Java's {@code split("\\s")}, empty strings included. */
public final class Tokenizer extends TextMapping {
    private Tokenizer(SavedStage saved) {
        super(saved.description(), List.of(saved.params().getString("inputCol")), List.of(saved.params().getString("outputCol")));
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.Tokenizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new Tokenizer(saved);
        }
    }

    @Override
    DataType inputType() {
        return DataType.STRING;
    }

    @Override
    String stageName() {
        return "Tokenizer";
    }

    @Override
    List<String> map(Object input) {
        // Spark lower-cases with the JVM's default locale; so do we, to split identically.
        return List.of(((String) input).toLowerCase().split("\\s"));
    }
}
