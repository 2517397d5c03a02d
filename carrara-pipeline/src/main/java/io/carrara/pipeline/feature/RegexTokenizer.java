package io.carrara.pipeline.feature;

import io.carrara.pipeline.format.Params;
import io.carrara.pipeline.format.SavedStage;
import io.carrara.spi.schema.DataType;
import io.carrara.pipeline.stage.Stage;
import io.carrara.pipeline.stage.StageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Spark's {@code RegexTokenizer}: optionally lower-cased text split on {@code pattern}
 * ({@code gaps=true}) or its matches ({@code gaps=false}), keeping tokens of at least
 * {@code minTokenLength} characters.
 */
public final class RegexTokenizer extends TextMapping {
    private final Pattern pattern;
    private final boolean gaps;
    private final boolean toLowercase;
    private final int minTokenLength;

    private RegexTokenizer(SavedStage saved) {
        super(saved.description(), List.of(saved.params().getString("inputCol")), List.of(saved.params().getString("outputCol")));
        Params params = saved.params();
        try {
            this.pattern = Pattern.compile(params.getString("pattern"));
        } catch (PatternSyntaxException e) {
            throw params.invalid("pattern is not a regular expression: " + e.getMessage());
        }
        this.gaps = params.getBoolean("gaps");
        this.toLowercase = params.getBoolean("toLowercase");
        this.minTokenLength = params.getInt("minTokenLength");
    }

    public static final class Loader implements StageLoader {
        @Override
        public Set<String> sparkClassNames() {
            return Set.of("org.apache.spark.ml.feature.RegexTokenizer");
        }

        @Override
        public Stage load(SavedStage saved) {
            return new RegexTokenizer(saved);
        }
    }

    @Override
    DataType inputType() {
        return DataType.STRING;
    }

    @Override
    String stageName() {
        return "RegexTokenizer";
    }

    @Override
    List<String> map(Object input) {
        String text = toLowercase ? ((String) input).toLowerCase() : (String) input;
        List<String> tokens = new ArrayList<>();
        if (gaps) {
            for (String token : pattern.split(text)) {
                if (token.length() >= minTokenLength) {
                    tokens.add(token);
                }
            }
        } else {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                if (matcher.group().length() >= minTokenLength) {
                    tokens.add(matcher.group());
                }
            }
        }
        return List.copyOf(tokens);
    }
}
