package io.carrara.spark.parity;

import static org.assertj.core.api.Assertions.assertThat;

import io.carrara.pipeline.stage.StageLoaderRegistry;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Spark class a registered {@code StageLoader} reads must be covered by a parity test. */
class StageParityCoverageTest {
    @Test
    void everyLoadedSparkClassHasAParityTest() throws Exception {
        List<String> supported = StageLoaderRegistry.discover().supportedClassNames();
        Set<String> covered = coveredByParityTests();

        assertThat(supported).as("stage loaders found by ServiceLoader").isNotEmpty();
        assertThat(missing(supported, covered)).as("Spark classes with a StageLoader but no parity test").isEmpty();
    }

    @Test
    void reportsALoaderWithoutAParityTest() {
        assertThat(missing(List.of("org.apache.spark.ml.feature.Binarizer", "org.apache.spark.ml.feature.StringIndexerModel"),
                Set.of("org.apache.spark.ml.feature.StringIndexerModel")))
                .containsExactly("org.apache.spark.ml.feature.Binarizer");
    }

    static Set<String> missing(List<String> supported, Set<String> covered) {
        Set<String> missing = new TreeSet<>(supported);
        missing.removeAll(covered);
        return missing;
    }

    private static Set<String> coveredByParityTests() throws IOException, URISyntaxException, ReflectiveOperationException {
        Path root = Path.of(StageParityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> covered = new TreeSet<>();
        List<String> classNames;
        try (Stream<Path> files = Files.walk(root)) {
            classNames = files.map(root::relativize).map(Path::toString)
                    .filter(name -> name.endsWith("ParityTest.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                    .toList();
        }
        for (String className : classNames) {
            Class<?> type = Class.forName(className);
            if (!StageParityTest.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            StageParityTest test = (StageParityTest) constructor.newInstance();
            test.coveredStages().forEach(stage -> covered.add(stage.getName()));
        }
        return covered;
    }
}
