package io.carrara.serving.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carrara.registry.model.Instance;
import io.carrara.serving.ServingErrorCode;
import io.carrara.serving.runtime.GoldenModels;
import io.carrara.serving.runtime.LoadedModel;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    @TempDir
    Path blobRoot;

    @TempDir
    Path cacheDirectory;

    private TestRegistry registry;
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();

    @BeforeEach
    void openRegistry() {
        registry = new TestRegistry(blobRoot);
    }

    @AfterEach
    void closeRegistry() throws IOException {
        registry.close();
    }

    @Test
    void concurrentFirstRequestsShareOneLoad() throws Exception {
        Instance instance = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_LR);
        ModelCache cache = cache(ModelCacheConfig.defaults(cacheDirectory));
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<LoadedModel>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get(instance.id());
                }));
            }
            start.countDown();
            LoadedModel first = results.get(0).get();
            for (Future<LoadedModel> result : results) {
                assertThat(result.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(loads).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
        Path files = cacheDirectory.resolve(instance.artifact().sha256());
        assertThat(files.resolve("metadata")).isDirectory();
        assertThat(cache.estimatedBytes()).isEqualTo((long) (sizeOf(files) * ModelCacheConfig.DEFAULT_MEMORY_FACTOR));
    }

    @Test
    void aFailedLoadIsRememberedWithItsReasonUntilTheBackoffOrARetry() {
        Instance broken = registry.uploadBroken(TestRegistry.TRIPS);
        Instance good = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_LR);
        ModelCache cache = cache(new ModelCacheConfig(cacheDirectory, 1L << 30, 4, Duration.ofSeconds(30)));

        CarraraException error = catchThrowableOfType(CarraraException.class, () -> cache.get(broken.id()));
        catchThrowableOfType(CarraraException.class, () -> cache.get(broken.id()));

        assertThat(error.errorCode()).isEqualTo(ServingErrorCode.MODEL_UNAVAILABLE.toErrorCode());
        assertThat(error.getMessage()).contains(broken.id().toString()).contains("cannot be served");
        assertThat(cache.failure(broken.id())).isPresent();
        assertThat(failures).as("the second request is answered from the remembered failure").hasValue(1);
        assertThat(cache.get(good.id())).as("another instance is unaffected").isNotNull();

        now.addAndGet(Duration.ofSeconds(31).toNanos());
        catchThrowableOfType(CarraraException.class, () -> cache.get(broken.id()));
        assertThat(failures).as("retried after the backoff").hasValue(2);

        cache.retry(broken.id());
        assertThat(cache.failure(broken.id())).isEmpty();
        assertThat(cache.preload(broken.id())).isFalse();
        assertThat(failures).as("retried on redeploy").hasValue(3);
    }

    @Test
    void evictsTheLeastRecentlyUsedModelsBeyondTheMemoryBudget() throws IOException {
        Instance lr = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_LR);
        Instance gbt = registry.upload(TestRegistry.TRIPS, GoldenModels.TRIPS_GBT);
        Instance forest = registry.upload(TestRegistry.TRIPS, "trips-random-forest-text");
        long lrBytes = sizeOf(GoldenModels.model(GoldenModels.TRIPS_LR));
        long gbtBytes = sizeOf(GoldenModels.model(GoldenModels.TRIPS_GBT));
        long forestBytes = sizeOf(GoldenModels.model("trips-random-forest-text"));
        ModelCache cache = cache(new ModelCacheConfig(cacheDirectory, lrBytes + forestBytes + gbtBytes / 2, 1.0, Duration.ZERO));

        cache.get(lr.id());
        cache.get(gbt.id());
        cache.get(lr.id()); // gbt is now the least recently used
        cache.get(forest.id());

        assertThat(cache.isLoaded(gbt.id())).isFalse();
        assertThat(cache.isLoaded(lr.id())).isTrue();
        assertThat(cache.isLoaded(forest.id())).isTrue();
        assertThat(cache.estimatedBytes()).isEqualTo(lrBytes + forestBytes);

        cache.get(gbt.id()); // loads again from the files kept on disk
        assertThat(loads).hasValue(4);
        assertThat(cache.isLoaded(lr.id())).as("lr was used before forest").isFalse();
    }

    @Test
    void anUnknownInstanceIsAFailureWithTheReason() {
        ModelCache cache = cache(ModelCacheConfig.defaults(cacheDirectory));
        UUID unknown = UUID.randomUUID();

        CarraraException error = catchThrowableOfType(CarraraException.class, () -> cache.get(unknown));

        assertThat(error.getMessage()).contains(unknown.toString());
        assertThat(cache.failure(unknown)).isPresent();
    }

    private ModelCache cache(ModelCacheConfig config) {
        ModelCache cache = new ModelCache(config, registry.registry, ModelRuntimes.discover(), now::get);
        cache.setListener(new ModelCache.LoadListener() {
            @Override
            public void loaded(UUID instance, Duration took) {
                loads.incrementAndGet();
            }

            @Override
            public void failed(UUID instance, String reason) {
                failures.incrementAndGet();
            }
        });
        return cache;
    }

    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
