package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.ColumnPairs;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Spark's {@code StopWordsRemover}, single- or multi-column: drops the saved {@code stopWords},
 * comparing lower-cased in {@code locale} unless {@code caseSensitive}; null terms are kept.
 */
public final class StopWordsRemover extends TextMapping {
    private final Set<String> stopWords;
    private final boolean caseSensitive;
    private final Locale locale;

    private StopWordsRemover(SavedStage saved, ColumnPairs columns) {
        super(saved.description(), columns.inputs(), columns.outputs());
        Params params = saved.params();
        this.caseSensitive = params.getBoolean("caseSensitive");
        // Spark builds the locale with new Locale(name), so "en_US" is a language code, not language and country.
        @SuppressWarnings("deprecation")
        Locale spark = new Locale(params.getString("locale"));
        this.locale = spark;
        Set<String> words = new HashSet<>();
        for (String word : params.getStringList("stopWords")) {
            words.add(caseSensitive ? word : lower(word));
        }
        this.stopWords = Set.copyOf(words);
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.StopWordsRemover");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new StopWordsRemover(saved, ColumnPairs.from(saved.params()));
        }
    }

    private String lower(String word) {
        return word == null ? null : word.toLowerCase(locale);
    }

    @Override
    DataType inputType() {
        return DataType.STRING_ARRAY;
    }

    @Override
    String stageName() {
        return "StopWordsRemover";
    }

    @Override
    List<String> map(Object input) {
        List<?> terms = (List<?>) input;
        List<String> kept = new ArrayList<>(terms.size());
        for (Object term : terms) {
            String word = (String) term;
            String key = caseSensitive ? word : lower(word);
            if (key == null || !stopWords.contains(key)) {
                kept.add(word);
            }
        }
        return Collections.unmodifiableList(kept);
    }
}
