package io.carrara.pipeline.stage;

import static java.util.Objects.requireNonNull;

import io.carrara.pipeline.error.ModelException;
import io.carrara.pipeline.error.PipelineErrorCode;
import io.carrara.pipeline.format.SavedStage;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every {@link StageLoader} on the class path, by the Spark class names it reads. */
public final class StageLoaderRegistry {
    private final Map<String, StageLoader> loaders;

    public StageLoaderRegistry(List<StageLoader> loaders) {
        Map<String, StageLoader> byClassName = new TreeMap<>();
        for (StageLoader loader : requireNonNull(loaders, "loaders is null")) {
            for (String className : loader.sparkClassNames()) {
                StageLoader previous = byClassName.putIfAbsent(className, loader);
                if (previous != null) {
                    throw new IllegalStateException(className + " is read by both " + previous.getClass().getName()
                            + " and " + loader.getClass().getName());
                }
            }
        }
        this.loaders = Map.copyOf(byClassName);
    }

    /** The loaders {@link ServiceLoader} finds with this class's class loader; looked up once, as that class path is fixed. */
    public static StageLoaderRegistry discover() {
        return Discovered.REGISTRY;
    }

    private static final class Discovered {
        static final StageLoaderRegistry REGISTRY = new StageLoaderRegistry(
                ServiceLoader.load(StageLoader.class, StageLoaderRegistry.class.getClassLoader())
                        .stream().map(ServiceLoader.Provider::get).toList());
    }

    /**
     * This registry plus loaders for stages that only appear inside another stage's save, such as
     * RFormulaModel's private ColumnPruner; they stay out of the service file and its coverage test.
     */
    public StageLoaderRegistry with(StageLoader... extra) {
        List<StageLoader> all = new java.util.ArrayList<>(loaders.values().stream().distinct().toList());
        all.addAll(List.of(extra));
        return new StageLoaderRegistry(all);
    }

    /** Sorted Spark class names with a loader. */
    public List<String> supportedClassNames() {
        return loaders.keySet().stream().sorted().toList();
    }

    public Stage load(SavedStage saved) {
        StageLoader loader = loaders.get(saved.className());
        if (loader == null) {
            throw new ModelException(PipelineErrorCode.STAGE_UNSUPPORTED, saved.description(),
                    "unsupported stage " + saved.className() + "; supported stages: " + String.join(", ", supportedClassNames()));
        }
        return loader.load(saved);
    }

    /** The loader's {@link StageLoader#checkLayout}; nothing for a stage without one, which {@link #load} refuses. */
    public void checkLayout(SavedStage saved) {
        StageLoader loader = loaders.get(saved.className());
        if (loader != null) {
            loader.checkLayout(saved);
        }
    }
}
