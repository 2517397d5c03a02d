package io.carrara.registry.model;

import static io.carrara.registry.model.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.spi.model.ModelRef;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewModelTest {
    @Test
    void nullListsAndMapsAreEmptyAndReferencesParse() {
        NewModel model = new NewModel("m", null, null, null, null, Map.of("b", "2", "a", "1"), null, "demand/v0",
                List.of("demand/up"));

        assertThat(model.features()).isEmpty();
        assertThat(model.tags()).isEmpty();
        assertThat(model.hyperparameters()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(model.previousModelRef()).isEqualTo(new ModelRef("demand", "v0"));
        assertThat(model.dependsOnRefs()).containsExactly(new ModelRef("demand", "up"));
        assertThat(NewModel.named("m").dependsOn()).isEmpty();
    }

    @Test
    void refusesEachBadField() {
        assertRefused(() -> NewModel.named("no spaces"), "INVALID_ARGUMENT", "name", "is not a valid name");
        assertRefused(() -> new NewModel("m", "x".repeat(4001), null, null, null, null, null, null, null),
                "INVALID_ARGUMENT", "description", "longer than 4000");
        assertRefused(() -> new NewModel("m", null, "o".repeat(129), null, null, null, null, null, null),
                "INVALID_ARGUMENT", "owner", "owner is longer than 128 characters");
        assertRefused(() -> new NewModel("m", null, null, "t".repeat(129), null, null, null, null, null),
                "INVALID_ARGUMENT", "type", "type is longer than 128 characters");
        assertRefused(() -> new NewModel("m", null, null, null, Collections.nCopies(201, "f"), null, null, null, null),
                "INVALID_ARGUMENT", "features", "features has more than 200 entries");
        assertRefused(() -> new NewModel("m", null, null, null, null, null, List.of(""), null, null),
                "INVALID_ARGUMENT", "tags", "tags entries must be 1 to 256 characters");
        assertRefused(() -> new NewModel("m", null, null, null, null, Map.of("bad key", "1"), null, null, null),
                "INVALID_ARGUMENT", "hyperparameters key", "is not valid");
        Map<String, String> noValue = new HashMap<>();
        noValue.put("depth", null);
        assertRefused(() -> new NewModel("m", null, null, null, null, noValue, null, null, null),
                "INVALID_ARGUMENT", "hyperparameters.depth", "hyperparameters.depth has no value");
        assertRefused(() -> new NewModel("m", null, null, null, null, Map.of("depth", "9".repeat(1025)), null, null, null),
                "INVALID_ARGUMENT", "hyperparameters.depth", "longer than 1024 characters");
        assertRefused(() -> new NewModel("m", null, null, null, null, null, null, "no-slash", null),
                "INVALID_ARGUMENT", "previousModel", "must be PROJECT/MODEL");
        assertRefused(() -> new NewModel("m", null, null, null, null, null, null, null, List.of("a/b/c")),
                "INVALID_ARGUMENT", "dependsOn", "must be PROJECT/MODEL");
    }
}
