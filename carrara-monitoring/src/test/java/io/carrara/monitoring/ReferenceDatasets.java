package io.carrara.monitoring;

import io.carrara.monitoring.drift.FeatureProfile;
import io.carrara.monitoring.drift.Profile;
import io.carrara.monitoring.drift.ProfileBuilder;
import io.carrara.monitoring.drift.ProfileSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The datasets the tests compare with scikit-learn and SciPy, generated from fixed seeds: the same rows in
 * the JSON given to reference_values.py and in the Java tests.
 */
public final class ReferenceDatasets {
    private ReferenceDatasets() {}

    public record ClassificationCase(int[] labels, double[] scores, int[] predicted) {}

    public record RegressionCase(double[] actual, double[] predicted) {}

    /** Two profiles counted on the same bins and the feature (or {@code prediction}) to compare. */
    public record DriftCase(Profile reference, Profile current, String feature) {
        public FeatureProfile expected() {
            return feature.equals("prediction") ? reference.prediction() : reference.features().get(feature);
        }

        public FeatureProfile actual() {
            return feature.equals("prediction") ? current.prediction() : current.features().get(feature);
        }
    }

    public static final Map<String, ClassificationCase> CLASSIFICATION = classification();
    public static final Map<String, RegressionCase> REGRESSION = regression();
    public static final Map<String, DriftCase> DRIFT = drift();

    static Map<String, Object> asJson() {
        Map<String, Object> classification = new LinkedHashMap<>();
        CLASSIFICATION.forEach((name, c) -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("labels", c.labels());
            json.put("scores", c.scores());
            if (c.predicted() != null) {
                json.put("predicted", c.predicted());
            }
            classification.put(name, json);
        });
        Map<String, Object> regression = new LinkedHashMap<>();
        REGRESSION.forEach((name, r) -> regression.put(name, Map.of("actual", r.actual(), "predicted", r.predicted())));
        Map<String, Object> drift = new LinkedHashMap<>();
        DRIFT.forEach((name, d) -> drift.put(name, Map.of(
                "expected", d.expected().binCounts(), "expectedNulls", d.expected().nulls(),
                "actual", d.actual().binCounts(), "actualNulls", d.actual().nulls())));
        return Map.of("classification", classification, "regression", regression, "drift", drift);
    }

    private static Map<String, ClassificationCase> classification() {
        Map<String, ClassificationCase> cases = new LinkedHashMap<>();
        cases.put("small", new ClassificationCase(new int[] {0, 0, 1, 1, 0, 1, 1, 0},
                new double[] {0.1, 0.4, 0.35, 0.8, 0.5, 0.5, 0.9, 0.05}, null));
        Random random = new Random(16);
        int n = 2_000;
        int[] labels = new int[n];
        double[] tied = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextDouble() < 0.4 ? 1 : 0;
            tied[i] = Math.round(sigmoid(1.2 * (labels[i] - 0.5) * 2 + random.nextGaussian()) * 10) / 10.0;
        }
        cases.put("ties", new ClassificationCase(labels, tied, null));
        int[] threshold = new int[n];
        for (int i = 0; i < n; i++) {
            threshold[i] = tied[i] >= 0.3 ? 1 : 0;
        }
        cases.put("explicit_predicted", new ClassificationCase(labels, tied, threshold));
        cases.put("scores_at_half", new ClassificationCase(new int[] {1, 0, 1, 0}, new double[] {0.5, 0.5, 0.5, 0.5}, null));
        cases.put("one_class_positive", new ClassificationCase(new int[] {1, 1, 1, 1, 1},
                new double[] {0.9, 0.2, 1.0, 0.5, 0.0}, null));
        cases.put("one_class_negative", new ClassificationCase(new int[] {0, 0, 0, 0},
                new double[] {0.1, 0.2, 0.0, 0.49}, null));
        cases.put("perfect", new ClassificationCase(new int[] {0, 1, 0, 1, 1}, new double[] {0.0, 1.0, 0.0, 1.0, 1.0}, null));
        cases.put("worst", new ClassificationCase(new int[] {0, 1, 0, 1, 1}, new double[] {1.0, 0.0, 1.0, 0.0, 0.0}, null));
        cases.put("near_certain", new ClassificationCase(new int[] {0, 1, 1, 0},
                new double[] {1e-17, 1 - 1e-17, 1e-300, 1 - 1e-16}, null));
        int large = 100_000;
        int[] largeLabels = new int[large];
        double[] largeScores = new double[large];
        for (int i = 0; i < large; i++) {
            largeLabels[i] = random.nextDouble() < 0.3 ? 1 : 0;
            largeScores[i] = sigmoid((largeLabels[i] - 0.3) * 2.5 + random.nextGaussian() * 1.5);
        }
        cases.put("random_100k", new ClassificationCase(largeLabels, largeScores, null));
        return cases;
    }

    private static Map<String, RegressionCase> regression() {
        Map<String, RegressionCase> cases = new LinkedHashMap<>();
        cases.put("small", new RegressionCase(new double[] {3, -0.5, 2, 7}, new double[] {2.5, 0.0, 2, 8}));
        cases.put("zero_targets", new RegressionCase(new double[] {0, 1, 0, 2, 3}, new double[] {0.5, 1, 0, 2.5, 2}));
        cases.put("negative_above_minus_one", new RegressionCase(new double[] {-0.5, 0.2, 3, -0.99},
                new double[] {-0.2, 0.1, 2.5, 0}));
        cases.put("below_minus_one", new RegressionCase(new double[] {-3, 1, 2}, new double[] {-2, 1.5, 2}));
        cases.put("predicted_at_minus_one", new RegressionCase(new double[] {1, 2}, new double[] {-1, 2}));
        cases.put("constant_target", new RegressionCase(new double[] {5, 5, 5, 5}, new double[] {4, 5, 6, 5.5}));
        cases.put("constant_perfect", new RegressionCase(new double[] {3, 3, 3}, new double[] {3, 3, 3}));
        cases.put("perfect", new RegressionCase(new double[] {1, 2, 3.5, 10}, new double[] {1, 2, 3.5, 10}));
        cases.put("single_row", new RegressionCase(new double[] {2}, new double[] {3}));
        Random random = new Random(61);
        int n = 100_000;
        double[] actual = new double[n];
        double[] predicted = new double[n];
        for (int i = 0; i < n; i++) {
            actual[i] = 10 * Math.exp(random.nextGaussian());
            predicted[i] = actual[i] * (1 + 0.1 * random.nextGaussian()) + random.nextGaussian();
        }
        cases.put("random_100k", new RegressionCase(actual, predicted));
        return cases;
    }

    private static Map<String, DriftCase> drift() {
        Map<String, DriftCase> cases = new LinkedHashMap<>();
        Random random = new Random(1616);
        List<Map<String, Object>> referenceRows = rows(20_000, i -> row(
                "x", random.nextGaussian(),
                "city", pick(random, new String[] {"nyc", "sf", "la"}, new double[] {0.5, 0.3, 0.2}),
                "score", sigmoid(random.nextGaussian())));
        Profile sketched = profile(ProfileBuilder.sketching(ProfileSettings.DEFAULTS), referenceRows);
        // The reference counted exactly on its own bins, so that the same rows give the same counts.
        Profile reference = profile(Profile.binLike(sketched), referenceRows);
        cases.put("identical", new DriftCase(reference, profile(Profile.binLike(sketched), referenceRows), "x"));

        List<Map<String, Object>> shifted = rows(5_000, i -> row(
                "x", 0.5 + 1.2 * random.nextGaussian(),
                "city", pick(random, new String[] {"nyc", "sf", "la", "chi"}, new double[] {0.3, 0.3, 0.2, 0.2}),
                "score", random.nextDouble() < 0.1 ? null : sigmoid(0.8 + random.nextGaussian())));
        Profile current = profile(Profile.binLike(sketched), shifted);
        cases.put("numeric_shift", new DriftCase(reference, current, "x"));
        cases.put("categorical_shift", new DriftCase(reference, current, "city"));
        cases.put("nulls_appear", new DriftCase(reference, current, "score"));
        cases.put("prediction_shift", new DriftCase(reference, current, "prediction"));

        List<Map<String, Object>> narrow = rows(3_000, i -> row("x", -10 + random.nextDouble(), "city", "sf",
                "score", 0.5));
        Profile empty = profile(Profile.binLike(sketched), narrow);
        cases.put("empty_bins", new DriftCase(reference, empty, "x"));
        cases.put("empty_categories", new DriftCase(reference, empty, "city"));
        return cases;
    }

    private static Profile profile(ProfileBuilder builder, List<Map<String, Object>> rows) {
        for (Map<String, Object> row : rows) {
            builder.add(row, row.get("score"));
        }
        return builder.build();
    }

    private static List<Map<String, Object>> rows(int n, Function<Integer, Map<String, Object>> row) {
        List<Map<String, Object>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(row.apply(i));
        }
        return rows;
    }

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    private static String pick(Random random, String[] values, double[] probabilities) {
        double u = random.nextDouble();
        for (int i = 0; i < values.length - 1; i++) {
            u -= probabilities[i];
            if (u < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
