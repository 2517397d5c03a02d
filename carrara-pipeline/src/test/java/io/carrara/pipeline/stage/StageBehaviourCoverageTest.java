package io.carrara.pipeline.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Every registered stage has a Spark-free test of its own behaviour beside its parity test in
 * carrara-spark: for the loader {@code io.carrara.pipeline.feature.Binarizer$Loader}, a class
 * {@code io.carrara.pipeline.feature.BinarizerTest} with at least one {@code @Test} method (the
 * house rule of one {@code <Class>Test} per production class). A new stage cannot arrive without one.
 */
class StageBehaviourCoverageTest {
    @Test
    void everyRegisteredStageHasABehaviourTestClass() {
        // The same lookup as StageLoaderRegistry.discover(), so every stage the pipeline can load is checked.
        List<StageLoader> loaders = ServiceLoader.load(StageLoader.class, StageLoaderRegistry.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
        List<String> missing = new ArrayList<>();
        for (StageLoader loader : loaders) {
            String expected = behaviourTestName(loader.getClass());
            if (!hasTestMethod(expected)) {
                missing.add(expected + " (for " + loader.getClass().getName() + ")");
            }
        }

        assertThat(loaders.stream().flatMap(loader -> loader.sparkClassNames().stream()).sorted().toList())
                .isNotEmpty().isEqualTo(StageLoaderRegistry.discover().supportedClassNames());
        assertThat(missing).as("stages without a behaviour test; write one on a Frame (see SavedStages and StageRows)").isEmpty();
    }

    @Test
    void theConventionNamesTheStageTestInTheStagesPackage() {
        assertThat(behaviourTestName(io.carrara.pipeline.feature.Binarizer.Loader.class)).isEqualTo("io.carrara.pipeline.feature.BinarizerTest");
        assertThat(hasTestMethod("io.carrara.pipeline.stage.NoSuchStageTest")).isFalse();
        // A class that exists but holds no test does not count.
        assertThat(hasTestMethod(SavedStages.class.getName())).isFalse();
    }

    /** The test class for a loader nested in its stage class, or for a top-level loader named after its stage. */
    private static String behaviourTestName(Class<?> loader) {
        Class<?> stage = loader.getDeclaringClass() != null ? loader.getDeclaringClass() : loader;
        String name = stage.getName();
        return (name.endsWith("Loader") && stage == loader ? name.substring(0, name.length() - "Loader".length()) : name) + "Test";
    }

    private static boolean hasTestMethod(String className) {
        try {
            Class<?> test = Class.forName(className, false, StageBehaviourCoverageTest.class.getClassLoader());
            return Arrays.stream(test.getDeclaredMethods()).map(Method::getDeclaredAnnotations).flatMap(Arrays::stream)
                    .anyMatch(annotation -> annotation.annotationType() == Test.class);
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
