package io.carrara.pipeline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carrara.pipeline.error.ModelException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDirectoryTest {
    @TempDir
    Path temporary;

    private Path root;
    private ModelDirectory model;

    @BeforeEach
    void createModel() throws IOException {
        Files.createDirectories(temporary.resolve("model/stages/0_tok_1"));
        root = temporary.resolve("model");
        model = ModelDirectory.of(root);
    }

    @Test
    void resolvesAnEntryWhetherOrNotItExists() {
        Path stages = model.resolve(root, "stages", "stage 0");

        assertThat(stages).isEqualTo(root.toAbsolutePath().normalize().resolve("stages"));
        assertThat(model.resolve(stages, "0_tok_1", "stage 0")).isDirectory();
        assertThat(model.resolve(stages, "1_missing", "stage 1")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "", "a/b", "../x", "a\\b", "nul\0byte"})
    void refusesANameThatIsNotOnePlainSegment(String name) {
        assertThatThrownBy(() -> model.resolve(root.resolve("stages"), name, "stage 4 (x)"))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.stage()).hasValue("stage 4 (x)"))
                .hasMessageContaining("a path leaves the model directory: '" + name + "' in 'stages'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(temporary.toString()));
    }

    @Test
    void refusesALinkToOutsideTheModel() throws IOException {
        Path outside = Files.createDirectory(temporary.resolve("outside"));
        Files.createSymbolicLink(root.resolve("stages/1_evil"), outside);

        assertThatThrownBy(() -> model.resolve(root.resolve("stages"), "1_evil", "stage 1 (evil)"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'stages/1_evil' is a symbolic link, or lies below one, to outside it");
    }

    @Test
    void refusesALinkBackUpTheModelThatWouldMakeALoop() throws IOException {
        Files.createSymbolicLink(root.resolve("stages/1_loop"), root);

        assertThatThrownBy(() -> model.resolve(root.resolve("stages"), "1_loop", "stage 1 (loop)"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'stages/1_loop' is a symbolic link back up the model directory");
    }

    @Test
    void acceptsALinkDownIntoTheSameDirectory() throws IOException {
        Files.createSymbolicLink(root.resolve("stages/1_alias"), root.resolve("stages/0_tok_1"));

        assertThat(model.resolve(root.resolve("stages"), "1_alias", "stage 1")).isDirectory();
    }

    @Test
    void describesPathsRelativeToTheRoot() {
        assertThat(model.describe(root)).isEqualTo("the model directory");
        assertThat(model.describe(root.resolve("stages/0_tok_1/metadata"))).isEqualTo("'stages/0_tok_1/metadata'");
        assertThat(model.describe(temporary.resolve("elsewhere"))).isEqualTo("a path outside the model directory");
    }

    @Test
    void takesTheRootOutOfFileSystemMessages() {
        Path file = root.toAbsolutePath().normalize().resolve("stages/0_tok_1/data");

        assertThat(model.reason(new AccessDeniedException(file.toString()))).isEqualTo("stages/0_tok_1/data");
    }

    @Test
    void refusesAMissingModelDirectory() {
        assertThatThrownBy(() -> ModelDirectory.of(temporary.resolve("nowhere")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("does not exist");
    }
}
