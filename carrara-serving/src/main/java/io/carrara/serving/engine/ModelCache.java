package io.carrara.serving.engine;

import static io.carrara.serving.ServingErrorCode.MODEL_UNAVAILABLE;
import static java.util.Objects.requireNonNull;

import io.carrara.registry.ModelRegistry;
import io.carrara.registry.model.Artifact;
import io.carrara.registry.model.ArtifactPackaging;
import io.carrara.spi.io.FileTrees;
import io.carrara.spi.schema.Schema;
import io.carrara.spi.schema.SchemaText;
import io.carrara.registry.model.Instance;
import io.carrara.serving.runtime.LoadedModel;
import io.carrara.serving.runtime.ModelRuntimes;
import io.carrara.spi.archive.ModelArchive;
import io.carrara.spi.blob.VerifyingInputStream;
import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models by instance id. The first {@link #get} of an instance fetches its artifact from the
 * blob store into {@code directory/<sha256>} (hashed while copied, zip artifacts extracted with
 * {@link ModelArchive}), loads it with the runtime of its format and keeps it; concurrent first
 * requests wait for that one load. Instances sharing an artifact share its files on disk.
 *
 * <p>Memory: each model is estimated at its files' size times {@link ModelCacheConfig#memoryFactor};
 * when a load takes the total over the budget, the least recently used other models are unloaded
 * (their files stay on disk, so loading them again reads no blob). A model bigger than the whole
 * budget is still served, alone.
 *
 * <p>Failures: a load that fails is remembered with its reason, and every {@code get} of that
 * instance fails at once with {@code MODEL_UNAVAILABLE} and the reason, until the backoff has
 * passed or {@link #retry} is called (on redeploy). Other instances are unaffected.
 */
public final class ModelCache implements AutoCloseable {
    /** Told of every load, for metrics. */
    public interface LoadListener {
        void loaded(UUID instance, Duration took);

        void failed(UUID instance, String reason);
    }

    /**
     * The instance metadata key that declares the columns a model takes, like an MLflow signature's
     * inputs: {@code "city string, passengers int, distance double"}. The model is checked against it
     * at load and describes itself with it (Open Inference Protocol metadata).
     */
    public static final String INPUT_SCHEMA = "inputSchema";
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    private final ModelCacheConfig config;
    private final ModelRegistry registry;
    private final ModelRuntimes runtimes;
    private final LongSupplier nanoTime;
    private final ConcurrentMap<UUID, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentMap<UUID, Object> instanceLocks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> artifactLocks = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong estimatedBytes = new AtomicLong();
    private volatile LoadListener listener = new LoadListener() {
        @Override
        public void loaded(UUID instance, Duration took) {}

        @Override
        public void failed(UUID instance, String reason) {}
    };

    /** A model, loaded or failed; a slot is replaced, never changed, except for its use stamp. */
    private static final class Slot {
        final LoadedModel model;
        final Instance instance;
        final long bytes;
        final String failure;
        final long failedAt;
        final AtomicLong lastUsed = new AtomicLong();

        Slot(LoadedModel model, Instance instance, long bytes, String failure, long failedAt) {
            this.model = model;
            this.instance = instance;
            this.bytes = bytes;
            this.failure = failure;
            this.failedAt = failedAt;
        }
    }

    public ModelCache(ModelCacheConfig config, ModelRegistry registry, ModelRuntimes runtimes) {
        this(config, registry, runtimes, System::nanoTime);
    }

    ModelCache(ModelCacheConfig config, ModelRegistry registry, ModelRuntimes runtimes, LongSupplier nanoTime) {
        this.config = requireNonNull(config, "config is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.runtimes = requireNonNull(runtimes, "runtimes is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        removeLeftovers();
    }

    /**
     * Removes what a crash left in the cache directory: partial downloads ({@code .<sha256>*.download})
     * and half-extracted directories ({@code .<sha256>*}), all named with a leading dot. A verified
     * artifact is published by an atomic rename to its bare SHA-256, so those stay. The directory
     * belongs to one server process (the home's {@code models/}), so nothing of another's is removed.
     */
    private void removeLeftovers() {
        Path directory = config.directory();
        if (!Files.isDirectory(directory)) {
            return;
        }
        long removed = 0;
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(".")) {
                    deleteTree(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the leftovers of an earlier run from the model cache {}", directory, e);
            return;
        }
        if (removed > 0) {
            LOG.info("removed {} partial downloads and extractions left by an earlier run from the model cache {}", removed,
                    directory);
        }
    }

    public void setListener(LoadListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /**
     * The instance's model, loading it if needed; throws {@code MODEL_UNAVAILABLE} with the reason
     * when it cannot be loaded (or failed less than the backoff ago).
     */
    public LoadedModel get(UUID instance) {
        requireNonNull(instance, "instance is null");
        Slot slot = slots.get(instance);
        if (slot == null || slot.model == null && backoffPassed(slot)) {
            slot = load(instance);
        }
        if (slot.model == null) {
            throw unavailable(instance, slot.failure);
        }
        slot.lastUsed.set(clock.incrementAndGet());
        return slot.model;
    }

    /** Loads the instance if it is not loaded (or failed); never throws. True when it is loaded. */
    public boolean preload(UUID instance) {
        try {
            get(instance);
            return true;
        } catch (CarraraException e) {
            return false;
        }
    }

    /** Forgets the instance's remembered failure, so the next {@link #get} loads it again. */
    public void retry(UUID instance) {
        slots.computeIfPresent(instance, (id, slot) -> slot.model == null ? null : slot);
    }

    /** Why the instance's last load failed, while that is remembered. */
    public Optional<String> failure(UUID instance) {
        Slot slot = slots.get(instance);
        return slot == null || slot.model != null ? Optional.empty() : Optional.of(slot.failure);
    }

    /** The instance's model if it is loaded now; never loads. */
    public Optional<LoadedModel> peek(UUID instance) {
        Slot slot = slots.get(instance);
        return Optional.ofNullable(slot == null ? null : slot.model);
    }

    public boolean isLoaded(UUID instance) {
        Slot slot = slots.get(instance);
        return slot != null && slot.model != null;
    }

    /** The registry's record of a loaded or failed instance, when the cache has fetched it. */
    public Optional<Instance> instance(UUID id) {
        Slot slot = slots.get(id);
        return Optional.ofNullable(slot == null ? null : slot.instance);
    }

    /** Models loaded now. */
    public int size() {
        return (int) slots.values().stream().filter(slot -> slot.model != null).count();
    }

    /** The estimated heap of the loaded models, in bytes. */
    public long estimatedBytes() {
        return estimatedBytes.get();
    }

    /** Unloads every model; files stay on disk. */
    @Override
    public void close() {
        for (UUID id : slots.keySet()) {
            Slot slot = slots.remove(id);
            if (slot != null && slot.model != null) {
                unload(id, slot);
            }
        }
    }

    private boolean backoffPassed(Slot slot) {
        return nanoTime.getAsLong() - slot.failedAt >= config.failureBackoff().toNanos();
    }

    /** Loads under the instance's lock, so concurrent callers wait for one load and then share it. */
    private Slot load(UUID id) {
        Slot slot;
        synchronized (instanceLocks.computeIfAbsent(id, key -> new Object())) {
            Slot existing = slots.get(id);
            if (existing != null && (existing.model != null || !backoffPassed(existing))) {
                return existing; // another caller loaded it (or failed) while this one waited
            }
            slot = doLoad(id);
            slots.put(id, slot);
        }
        if (slot.model != null) {
            evictBeyondBudget(id);
        }
        return slot;
    }

    private Slot doLoad(UUID id) {
        long start = nanoTime.getAsLong();
        Instance instance = null;
        Path directory = null;
        try {
            instance = registry.getInstance(id);
            directory = fetch(instance.artifact());
            LoadedModel model = runtimes.load(instance.artifact().format(), directory, declaredInputs(instance), id.toString(),
                    instance.metadata());
            long bytes = (long) Math.min(Long.MAX_VALUE, sizeOnDisk(directory) * config.memoryFactor());
            estimatedBytes.addAndGet(bytes);
            Duration took = Duration.ofNanos(nanoTime.getAsLong() - start);
            LOG.info("loaded instance {} ({}, {} bytes estimated) in {} ms", id, instance.artifact().format(), bytes, took.toMillis());
            notifyLoaded(id, took);
            return new Slot(model, instance, bytes, null, 0);
        } catch (CarraraException e) {
            return failed(id, instance, withoutServerPaths(e.getMessage(), directory));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot fetch the artifact of instance {}", id, e);
            return failed(id, instance, "cannot fetch the artifact: " + withoutServerPaths(e.getMessage(), directory));
        } catch (RuntimeException | LinkageError e) {
            LOG.error("loading instance {} failed unexpectedly", id, e);
            return failed(id, instance, "loading failed unexpectedly; the server log has the details");
        }
    }

    /**
     * {@code message} with the server's own paths taken out: a reason reaches API clients, who need to
     * know which file of their model is wrong, not where the server keeps it.
     */
    private String withoutServerPaths(String message, Path directory) {
        if (message == null) {
            return "no reason given";
        }
        String text = message;
        if (directory != null) {
            text = text.replace(directory + java.io.File.separator, "").replace(directory.toString(), "the model's directory");
        }
        return text.replace(config.directory() + java.io.File.separator, "").replace(config.directory().toString(),
                "the model cache");
    }

    /** The instance's {@value #INPUT_SCHEMA} metadata, e.g. {@code "city string, passengers int"}, if it has one. */
    private static Optional<Schema> declaredInputs(Instance instance) {
        String text = instance.metadata().get(INPUT_SCHEMA);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(SchemaText.parse(text, "metadata " + INPUT_SCHEMA));
    }

    private Slot failed(UUID id, Instance instance, String reason) {
        LOG.warn("instance {} cannot be loaded: {}", id, reason);
        try {
            listener.failed(id, reason);
        } catch (RuntimeException e) {
            LOG.warn("load listener failed", e);
        }
        return new Slot(null, instance, 0, reason, nanoTime.getAsLong());
    }

    private void notifyLoaded(UUID id, Duration took) {
        try {
            listener.loaded(id, took);
        } catch (RuntimeException e) {
            LOG.warn("load listener failed", e);
        }
    }

    /**
     * The artifact's directory in the local cache, fetched from the blob store and verified if it is
     * not there yet (a zip artifact extracted). Batch jobs read their models from here too, so an
     * artifact is fetched once per server whether it is served or scored in batch.
     */
    public Path fetch(Artifact artifact) throws IOException {
        requireNonNull(artifact, "artifact is null");
        Path target = config.directory().resolve(artifact.sha256());
        if (Files.isDirectory(target)) {
            return target; // published by an atomic rename only after it was verified whole
        }
        synchronized (artifactLocks.computeIfAbsent(artifact.sha256(), sha -> new Object())) {
            if (Files.isDirectory(target)) {
                return target;
            }
            Files.createDirectories(config.directory());
            Path download = Files.createTempFile(config.directory(), "." + artifact.sha256(), ".download");
            try {
                try (InputStream in = new VerifyingInputStream(registry.blobStore().open(artifact.sha256()), artifact.sha256())) {
                    Files.copy(in, download, StandardCopyOption.REPLACE_EXISTING);
                }
                if (artifact.packaging() == ArtifactPackaging.ZIP) {
                    try (InputStream zip = Files.newInputStream(download)) {
                        ModelArchive.extract(zip, target, config.archiveLimits());
                    }
                } else {
                    Path staging = Files.createTempDirectory(config.directory(), "." + artifact.sha256());
                    Files.move(download, staging.resolve(ModelRuntimes.FILE_ARTIFACT_NAME));
                    try {
                        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException e) {
                        deleteTree(staging);
                    }
                }
            } finally {
                Files.deleteIfExists(download);
            }
            return target;
        }
    }

    private void evictBeyondBudget(UUID justLoaded) {
        while (estimatedBytes.get() > config.memoryBudgetBytes()) {
            UUID victim = null;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<UUID, Slot> entry : slots.entrySet()) {
                Slot slot = entry.getValue();
                if (slot.model != null && !entry.getKey().equals(justLoaded) && slot.lastUsed.get() < oldest) {
                    oldest = slot.lastUsed.get();
                    victim = entry.getKey();
                }
            }
            if (victim == null) {
                return; // only the new model is left: it is served even though it is over the budget
            }
            Slot evicted = slots.get(victim);
            if (evicted != null && evicted.model != null && slots.remove(victim, evicted)) {
                LOG.info("unloaded instance {} ({} bytes estimated) to stay within the model memory budget of {} bytes",
                        victim, evicted.bytes, config.memoryBudgetBytes());
                unload(victim, evicted);
            }
        }
    }

    /**
     * Unloads the instance's model now if it runs outside this process ({@link LoadedModel#scoresInProcess}
     * is false: python workers): no deployment serves it any more, and its processes hold memory the
     * budget does not see. A model in this process stays cached until evicted, for the next deployment
     * that routes to it.
     */
    public void release(UUID instance) {
        synchronized (instanceLocks.computeIfAbsent(instance, key -> new Object())) {
            Slot slot = slots.get(instance);
            if (slot != null && slot.model != null && !slot.model.scoresInProcess() && slots.remove(instance, slot)) {
                LOG.info("unloaded instance {}: no deployment serves it and its model runs in processes of its own", instance);
                unload(instance, slot);
            }
        }
    }

    private void unload(UUID id, Slot slot) {
        estimatedBytes.addAndGet(-slot.bytes);
        try {
            slot.model.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the model of instance {} failed", id, e);
        }
    }

    private static long sizeOnDisk(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        FileTrees.delete(directory);
    }

    private static CarraraException unavailable(UUID instance, String reason) {
        return new CarraraException(MODEL_UNAVAILABLE, "instance " + instance + " cannot be served: " + reason
                + "; fix the model and deploy again (a failed load is retried after a backoff)", "instance");
    }
}
