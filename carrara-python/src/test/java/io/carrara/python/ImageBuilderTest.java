package io.carrara.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.carrara.spi.error.CarraraException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
    @TempDir
    Path temp;

    @Test
    void saysNoEngineAnswersWhereNoneRuns() throws Exception {
        assumeFalse(engineAnswers(), "a Docker engine answers here");
        ModelHome home = ModelHome.read(ModelHomes.dataframe(temp, "doubler"));

        assertThatThrownBy(() -> ImageBuilder.build(home, "carrara/doubler:1", line -> {}))
                .isInstanceOfSatisfying(CarraraException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(PythonErrorCode.DOCKER_UNAVAILABLE.toErrorCode()))
                .hasMessageContaining("no Docker engine answers here")
                .hasMessageContaining("docker build -t TAG .");
    }

    @Test
    void writesTheBuildContext() throws Exception {
        Path dir = ModelHomes.dataframe(temp, "doubler");
        Path context = Files.createDirectories(temp.resolve("context"));

        ImageBuilder.writeContext(ModelHome.read(dir), context);

        assertThat(context.resolve("Dockerfile")).content().startsWith("# Rendered by Carrara");
        assertThat(context.resolve("model/model.py")).hasSameTextualContentAs(dir.resolve("model.py"));
        assertThat(context.resolve("model/validation/expected.jsonl")).exists();
        assertThat(context.resolve("carrara/__init__.py")).exists();
    }

    private static boolean engineAnswers() {
        try {
            Process process = new ProcessBuilder(List.of("docker", "info")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
