package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Spark's {@code NGram}: every run of n consecutive terms joined by a space; none when there are fewer than n terms. */
public final class NGram extends TextMapping {
    private final int n;

    private NGram(SavedStage saved) {
        super(saved.description(), List.of(saved.params().getString("inputCol")), List.of(saved.params().getString("outputCol")));
        this.n = saved.params().getInt("n");
        if (n < 1) {
            throw saved.params().invalid("n is " + n + "; Spark requires n >= 1");
        }
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.NGram");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new NGram(saved);
        }
    }

    @Override
    DataType inputType() {
        return DataType.STRING_ARRAY;
    }

    @Override
    String stageName() {
        return "NGram";
    }

    @Override
    List<String> map(Object input) {
        List<?> terms = (List<?>) input;
        List<String> grams = new ArrayList<>(Math.max(0, terms.size() - n + 1));
        for (int start = 0; start + n <= terms.size(); start++) {
            StringBuilder gram = new StringBuilder();
            for (int k = start; k < start + n; k++) {
                if (k > start) {
                    gram.append(' ');
                }
                gram.append(terms.get(k));
            }
            grams.add(gram.toString());
        }
        return Collections.unmodifiableList(grams);
    }
}
