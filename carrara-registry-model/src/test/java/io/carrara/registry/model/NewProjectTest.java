package io.carrara.registry.model;

import static io.carrara.registry.model.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewProjectTest {
    @Test
    void acceptsANameAndAnOptionalDescription() {
        assertThat(new NewProject("demand", null).name()).isEqualTo("demand");
        assertThat(new NewProject("demand", "x".repeat(4000)).description()).hasSize(4000);
    }

    @Test
    void refusesBadNamesAndLongDescriptions() {
        assertRefused(() -> new NewProject(null, null), "INVALID_ARGUMENT", "name", "name is required");
        assertRefused(() -> new NewProject("bad name!", null), "INVALID_ARGUMENT", "name", "is not a valid name");
        assertRefused(() -> new NewProject("demand", "x".repeat(4001)), "INVALID_ARGUMENT", "description",
                "description is longer than 4000 characters");
    }
}
