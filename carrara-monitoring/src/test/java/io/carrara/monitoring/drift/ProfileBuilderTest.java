package io.carrara.monitoring.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileBuilderTest {

    @Test
    void numbersGetDecileBinsWithOpenEnds() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        for (int i = 1; i <= 100; i++) {
            builder.add(Map.of("x", i));
        }
        NumericProfile x = (NumericProfile) builder.build().features().get("x");
        // Below the sketch's k every value is kept: the edges are exact inclusive deciles.
        assertThat(x.edges()).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0);
        assertThat(x.counts()).containsExactly(10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L);
        assertThat(x.nulls()).isZero();
        assertThat(x.min()).isEqualTo(1.0);
        assertThat(x.max()).isEqualTo(100.0);
        assertThat(x.mean()).isEqualTo(50.5);
        assertThat(x.binOf(10.0)).isZero();
        assertThat(x.binOf(10.5)).isEqualTo(1);
        assertThat(x.binOf(-1e300)).isZero();
        assertThat(x.binOf(1e300)).isEqualTo(9);
    }

    @Test
    void repeatedValuesMergeEdges() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        for (int i = 0; i < 90; i++) {
            builder.add(Map.of("x", 0.0));
        }
        for (int i = 0; i < 10; i++) {
            builder.add(Map.of("x", 7.0));
        }
        NumericProfile x = (NumericProfile) builder.build().features().get("x");
        // Every decile up to the ninth is 0.0 (90 % of the values are at or below it): one edge, two bins.
        assertThat(x.edges()).containsExactly(0.0);
        assertThat(x.counts()).containsExactly(90L, 10L);
    }

    @Test
    void missingKeysNullsAndNaNAreNulls() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        builder.add(Map.of("x", 1.0));
        builder.add(Map.of("y", "a"));
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("x", null);
        builder.add(withNull);
        builder.add(Map.of("x", Double.NaN));
        Profile profile = builder.build();
        assertThat(profile.rows()).isEqualTo(4);
        assertThat(profile.features().get("x").nulls()).isEqualTo(3);
        assertThat(profile.features().get("y").nulls()).isEqualTo(3);
        assertThat(profile.prediction()).isNull();
    }

    @Test
    void aFeatureWithOneNonNumberIsCategorical() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        builder.add(Map.of("code", 3)).add(Map.of("code", 3.0)).add(Map.of("code", "x")).add(Map.of("code", true))
                .add(Map.of("code", 2.5));
        CategoricalProfile code = (CategoricalProfile) builder.build().features().get("code");
        assertThat(code.values()).containsExactly("3", "2.5", "true", "x");
        assertThat(code.counts()).containsExactly(2L, 1L, 1L, 1L);
        assertThat(code.other()).isZero();
    }

    @Test
    void categoriesKeepTheTopKAndCountTheRestAsOther() {
        ProfileBuilder builder = ProfileBuilder.sketching(new ProfileSettings(10, 2, 200, 1024));
        for (String value : List.of("a", "a", "a", "b", "b", "c", "d")) {
            builder.add(Map.of("f", value));
        }
        CategoricalProfile f = (CategoricalProfile) builder.build().features().get("f");
        assertThat(f.values()).containsExactly("a", "b");
        assertThat(f.counts()).containsExactly(3L, 2L);
        assertThat(f.other()).isEqualTo(2);
        assertThat(f.binCounts()).containsExactly(3, 2, 2);
    }

    @Test
    void aWindowIsCountedExactlyOnTheReferencesBins() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        for (int i = 1; i <= 100; i++) {
            builder.add(Map.of("x", i, "city", i % 2 == 0 ? "nyc" : "sf"), i / 100.0);
        }
        Profile reference = builder.build();
        ProfileBuilder window = Profile.binLike(reference);
        window.add(Map.of("x", 5, "city", "la", "unknown", 1), 0.05);
        window.add(Map.of("x", "oops", "city", "nyc"), null);
        window.add(Map.of("x", 1e9, "city", 7));
        Profile current = window.build();

        assertThat(current.rows()).isEqualTo(3);
        assertThat(current.features()).containsOnlyKeys("x", "city");
        NumericProfile x = (NumericProfile) current.features().get("x");
        assertThat(x.edges()).isEqualTo(((NumericProfile) reference.features().get("x")).edges());
        assertThat(x.counts()).containsExactly(1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L);
        assertThat(x.nulls()).isEqualTo(1);
        CategoricalProfile city = (CategoricalProfile) current.features().get("city");
        assertThat(city.values()).containsExactly("nyc", "sf");
        assertThat(city.counts()).containsExactly(1L, 0L);
        assertThat(city.other()).isEqualTo(2);
        assertThat(current.prediction().nulls()).isEqualTo(2);
        assertThat(current.prediction().binCounts()[0]).isEqualTo(1);
    }

    @Test
    void refusesWhatCannotBeProfiled() {
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        assertThatThrownBy(() -> builder.add(Map.of("x", List.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x is a");
        assertThatThrownBy(() -> builder.add(Map.of("", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature name");
        Map<String, Object> wide = new HashMap<>();
        for (int i = 0; i <= Profile.MAX_FEATURES; i++) {
            wide.put("f" + i, i);
        }
        assertThatThrownBy(() -> builder.add(wide))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000 features");
        assertThat(builder.build().rows()).isZero();
        assertThatThrownBy(() -> new ProfileSettings(1, 20, 200, 1024)).hasMessageContaining("bins");
        assertThatThrownBy(() -> new ProfileSettings(10, 101, 200, 1024)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new ProfileSettings(10, 20, 200, 1000)).hasMessageContaining("power of two");
    }

    @Test
    void longValuesAreCut() {
        String longValue = "v".repeat(1000);
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(Map.of("f", longValue));
        ProfileBuilder builder = ProfileBuilder.sketching(ProfileSettings.DEFAULTS);
        rows.forEach(builder::add);
        CategoricalProfile f = (CategoricalProfile) builder.build().features().get("f");
        assertThat(f.values().get(0)).hasSize(Profile.MAX_VALUE_LENGTH);
    }
}
