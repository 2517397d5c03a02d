package io.carrara.python;

import static java.util.Objects.requireNonNull;

import io.carrara.spi.error.CarraraException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded Python model: {@link PythonSettings#workersPerInstance()} supervised worker processes answering
 * over Unix sockets (the frames of {@link WorkerConnections}), called round-robin, at most {@value #CALLS_PER_WORKER}
 * calls per worker at once; requests that arrive while every call is busy are combined into one call (see
 * {@link #combined}). Thread-safe.
 * <pre>{@code
 * Environment env = environments.prepare(home, log::info);
 * try (PythonModel model = PythonModel.start(home, env, settings, "breast_cancer/3f2a")) {
 *     List<RowOutcome> outcomes = model.score(List.of(Map.of("mean_radius", 14.2)));
 * }
 * }</pre>
 * A row that lacks an input or holds the wrong kind of value fails alone ({@link PythonErrorCode#INVALID_ROW});
 * a predict that raises fails the rows of its call ({@link PythonErrorCode#PREDICT_FAILED}); a worker that dies or
 * passes the request timeout fails the call with {@link PythonErrorCode#WORKER_UNAVAILABLE} and is restarted in
 * the background with a growing backoff (1 s, 2 s, 4 s ... 60 s).
 */
public final class PythonModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PythonModel.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final long MAX_BACKOFF_SECONDS = 60;
    /** A Unix socket path holds at most 107 bytes (sun_path is 108 with its NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Set<PythonModel> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger HOOK = new AtomicInteger();
    private static volatile Path privateSocketDirectory;

    /** How the model's workers are doing. */
    public enum State {
        /** Every worker answers. */
        SERVING,
        /** Some workers are restarting; the others answer. */
        DEGRADED,
        /** No worker answers right now; calls fail with WORKER_UNAVAILABLE until one is back. */
        UNAVAILABLE,
        CLOSED
    }

    /** The model's state, how many workers answer, how many restarts so far, and the last worker failure. */
    public record Health(State state, int readyWorkers, int workers, long restarts, String lastFailure) {}

    private final ModelHome home;
    private final Environment env;
    private final PythonSettings settings;
    private final boolean validate;
    private final String label;
    private final ArrowCodec codec;
    private final BufferAllocator allocator;
    private final Path socketDirectory;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    /** Guards {@link #waiting} and {@link #freeCalls}: the requests queued for a call, and the call slots left. */
    private final ReentrantLock callLock = new ReentrantLock();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int freeCalls;
    private final ScheduledExecutorService restarts;
    private volatile boolean closed;
    private volatile String lastFailure;
    private final java.util.concurrent.atomic.AtomicLong restartCount = new java.util.concurrent.atomic.AtomicLong();

    /** One worker position: the current process, replaced on restart. */
    private static final class Slot {
        final int index;
        WorkerProcess worker;
        boolean restarting;
        int failures;

        Slot(int index) {
            this.index = index;
        }

        synchronized WorkerProcess readyWorker() {
            return restarting || worker == null ? null : worker;
        }
    }

    private PythonModel(ModelHome home, Environment env, PythonSettings settings, String label, boolean validate) {
        this.validate = validate;
        this.home = home;
        this.env = env;
        this.settings = settings;
        this.label = label;
        this.codec = new ArrowCodec(home);
        this.allocator = new RootAllocator();
        this.socketDirectory = socketDirectory(settings.sockets());
        this.freeCalls = settings.workersPerInstance() * CALLS_PER_WORKER;
        this.restarts = Executors.newScheduledThreadPool(1, runnable -> {
            Thread thread = new Thread(runnable, "carrara-python-restart-" + label);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the workers and waits until each has loaded the model, passed its validation and answers; fails
     * with {@link PythonErrorCode#MODEL_LOAD_FAILED} or {@link PythonErrorCode#VALIDATION_FAILED} carrying the
     * worker's last stderr lines. {@code label} tags the workers' log lines and errors, e.g. {@code model/instance}.
     */
    public static PythonModel start(ModelHome home, Environment env, PythonSettings settings, String label) {
        return start(home, env, settings, label, true);
    }

    /**
     * As {@link #start(ModelHome, Environment, PythonSettings, String)}; with {@code validate} false the
     * workers take traffic without running validation/ first, for a model uploaded with
     * {@code --skip-validation} (whose answers are known not to repeat, for instance).
     */
    public static PythonModel start(ModelHome home, Environment env, PythonSettings settings, String label, boolean validate) {
        requireNonNull(home, "home is null");
        requireNonNull(env, "env is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(label, "label is null");
        registerShutdownHook();
        PythonModel model = new PythonModel(home, env, settings, label, validate);
        OPEN.add(model);
        try {
            List<WorkerProcess> started = new ArrayList<>();
            for (int i = 0; i < settings.workersPerInstance(); i++) {
                Slot slot = new Slot(i);
                model.slots.add(slot);
                slot.worker = model.launch(slot);
                started.add(slot.worker);
            }
            for (WorkerProcess worker : started) {
                worker.awaitReady(settings.workerStartTimeout());
            }
            for (Slot slot : model.slots) {
                model.watch(slot, slot.worker);
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public String label() {
        return label;
    }

    public ModelHome home() {
        return home;
    }

    /** Extra predict calls one score call may make to find the rows a refused call failed on (see predictIsolating). */
    static final int MAX_ISOLATING_CALLS = 64;

    /**
     * Scores the rows in one call to the next worker (more only when the model refuses some rows):
     * one outcome per row, in order. Throws {@link PythonErrorCode#WORKER_UNAVAILABLE} when the worker
     * died or passed the request timeout.
     */
    public List<RowOutcome> score(List<Map<String, Object>> rows) {
        requireNonNull(rows, "rows is null");
        if (closed) {
            throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, label + ": the model is closed");
        }
        RowOutcome[] outcomes = new RowOutcome[rows.size()];
        List<Object[]> valid = new ArrayList<>(rows.size());
        List<Integer> positions = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                valid.add(codec.convertRow(requireNonNull(rows.get(i), "row is null")));
                positions.add(i);
            } catch (ArrowCodec.RowError e) {
                outcomes[i] = RowOutcome.failure(PythonErrorCode.INVALID_ROW, e.getMessage(), e.column);
            }
        }
        if (!valid.isEmpty()) {
            List<RowOutcome> answered = combined(valid);
            for (int j = 0; j < positions.size(); j++) {
                outcomes[positions.get(j)] = answered.get(j);
            }
        }
        return List.of(outcomes);
    }

    /** Calls in flight to one worker at once: one predicting, one sent behind it (the worker predicts one at a time). */
    static final int CALLS_PER_WORKER = 2;

    /** A request's rows waiting for a call: taken into a leader's call, then done with outcomes or a failure. */
    private static final class Waiting {
        final List<Object[]> rows;
        final Condition turn;
        final Thread owner = Thread.currentThread();
        boolean taken;
        boolean done;
        List<RowOutcome> outcomes;
        CarraraException failure;

        Waiting(List<Object[]> rows, Condition turn) {
            this.rows = rows;
            this.turn = turn;
        }
    }

    /**
     * Scores the rows of one request, combined with other requests' into one worker call when all call slots are
     * busy. A request that finds a free slot is called at once, alone with what already waits: nothing waits on
     * purpose, so a lone request pays nothing. Requests that arrive while every slot is busy queue; when a call ends,
     * the first of them leads a call with the queued rows, up to {@link PythonSettings#combineRows()}, and the
     * answers are handed back request by request, in order. A model is called with many rows at once anyway (its
     * validation rows, Spark's batches), and the contract is one output row per input row, so a row's answer does not
     * depend on the rows beside it; a row the model refuses fails alone ({@link #predictIsolating}). A request that
     * finds no slot within the request timeout fails as overloaded.
     */
    private List<RowOutcome> combined(List<Object[]> rows) {
        Waiting me = new Waiting(rows, callLock.newCondition());
        long deadline = System.nanoTime() + settings.requestTimeout().toNanos();
        callLock.lock();
        try {
            waiting.addLast(me);
            while (!me.done) {
                if (!me.taken && Thread.currentThread().isInterrupted()) {
                    waiting.remove(me);
                    throw interrupted();
                }
                if (!me.taken && freeCalls > 0) {
                    lead();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (!me.taken && left <= 0) {
                    waiting.remove(me);
                    throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, label + ": the worker is overloaded (every"
                            + " call to it stayed busy for " + settings.requestTimeout().toMillis() + " ms, the request timeout);"
                            + " send fewer requests at once or raise python.workersPerInstance");
                }
                try {
                    if (me.taken) {
                        me.turn.await();          // the leader's call ends within its own deadline
                    } else {
                        me.turn.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (!me.taken) {
                        waiting.remove(me);
                    }
                    throw interrupted();
                }
            }
            if (me.failure != null) {
                CarraraException failure = me.failure;
                throw new CarraraException(failure.errorCode(), failure.getMessage(), failure.field().orElse(null), failure);
            }
            return me.outcomes;
        } finally {
            callLock.unlock();
        }
    }

    private CarraraException interrupted() {
        return new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, label + ": the call to the worker was interrupted (the"
                + " task was cancelled)");
    }

    /**
     * With the lock held and a free slot: takes the queue's head and the requests behind it that fit in
     * combineRows, calls the worker without the lock, and hands out the answers. A call failed by an interrupt of
     * this thread (its own request was cancelled) puts the other requests back at the head of the queue.
     */
    private void lead() {
        freeCalls--;
        List<Waiting> batch = new ArrayList<>();
        int count = 0;
        while (!waiting.isEmpty() && (batch.isEmpty() || count + waiting.peekFirst().rows.size() <= settings.combineRows())) {
            Waiting next = waiting.pollFirst();
            next.taken = true;
            batch.add(next);
            count += next.rows.size();
        }
        List<RowOutcome> outcomes = null;
        CarraraException failure = null;
        Error fatal = null;
        boolean interrupted = false;
        callLock.unlock();
        try {
            List<Object[]> rows = batch.size() == 1 ? batch.get(0).rows : new ArrayList<>(count);
            if (batch.size() > 1) {
                batch.forEach(request -> rows.addAll(request.rows));
            }
            outcomes = predictIsolating(rows, new int[] {MAX_ISOLATING_CALLS});
        } catch (CarraraException e) {
            failure = e;
            interrupted = Thread.currentThread().isInterrupted();
        } catch (RuntimeException | Error e) {
            // Every request of the call gets its answer, whatever happened; an Error goes on up from here afterwards.
            failure = new CarraraException(PythonErrorCode.PREDICT_FAILED, label + ": " + e, null, e);
            fatal = e instanceof Error error ? error : null;
        } finally {
            callLock.lock();
        }
        freeCalls++;
        int from = 0;
        for (Waiting request : batch) {
            if (interrupted && request.owner != Thread.currentThread()) {
                request.taken = false;            // not its fault: asked again below
                continue;
            }
            request.done = true;
            if (failure != null) {
                request.failure = failure;
            } else {
                request.outcomes = outcomes.subList(from, from + request.rows.size());
            }
            from += request.rows.size();
            request.turn.signal();
        }
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (!batch.get(i).done) {
                waiting.addFirst(batch.get(i));
            }
        }
        Waiting head = waiting.peekFirst();
        if (head != null) {
            head.turn.signal();
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /**
     * {@link #predict}, but when the model refuses a call of several rows (predict raised, or answered
     * against the contract), the rows are halved and asked again until the refused rows are alone, so
     * that one bad row fails itself and not the rows sent with it, as a pipeline's row errors do. A
     * model that refuses every row would make that 2n - 1 calls: after {@code budget[0]} extra calls
     * the rows left fail with the model's message.
     */
    private List<RowOutcome> predictIsolating(List<Object[]> rows, int[] budget) {
        List<RowOutcome> outcomes = predict(rows);
        if (rows.size() == 1 || outcomes.get(0).isSuccess() || budget[0] < 2) {
            return outcomes;
        }
        budget[0] -= 2;
        int half = rows.size() / 2;
        List<RowOutcome> isolated = new ArrayList<>(predictIsolating(rows.subList(0, half), budget));
        isolated.addAll(predictIsolating(rows.subList(half, rows.size()), budget));
        return isolated;
    }

    private List<RowOutcome> predict(List<Object[]> rows) {
        byte[] request = codec.encode(rows, allocator);
        if (request.length > WorkerConnections.MAX_PAYLOAD_BYTES) {
            if (rows.size() > 1) {
                // Too large for one call: two calls of half the rows each (and so on), so that no batch size is too large.
                int half = rows.size() / 2;
                List<RowOutcome> halves = new ArrayList<>(predict(rows.subList(0, half)));
                halves.addAll(predict(rows.subList(half, rows.size())));
                return halves;
            }
            throw new CarraraException(PythonErrorCode.PREDICT_FAILED, label + ": one row makes a request of " + request.length
                    + " bytes, over the 64 MiB a worker takes; send smaller rows");
        }
        Slot slot = null;
        WorkerProcess worker = null;
        int start = Math.floorMod(next.getAndIncrement(), slots.size());
        for (int i = 0; i < slots.size() && worker == null; i++) {
            slot = slots.get((start + i) % slots.size());
            worker = slot.readyWorker();
        }
        if (worker == null) {
            throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, label + ": every worker is restarting"
                    + (lastFailure == null ? "" : " after: " + lastFailure) + "; retry in a few seconds");
        }
        byte[] answer;
        try {
            answer = worker.connections().call(WorkerConnections.PREDICT, request, settings.requestTimeout());
        } catch (WorkerConnections.CallException e) {
            switch (e.failure) {
                case REFUSED:
                    return failAll(rows.size(), e.getMessage());
                case INTERRUPTED:
                    throw interrupted();
                case BUSY:
                    throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, label + ": the worker is overloaded ("
                            + e.getMessage() + "); send fewer requests at once or raise python.workersPerInstance");
                case TIMEOUT:
                    worker.kill();
                    break;
                default:
                    break;
            }
            String why = e.failure == WorkerConnections.Failure.TIMEOUT
                    ? "the worker did not answer within " + settings.requestTimeout().toMillis() + " ms (the request timeout), so it was killed"
                    : "the worker is gone (" + e.status + ": " + e.getMessage() + ")";
            String message = label + ": " + why + " and is restarting" + worker.stderrSuffix();
            failed(slot, worker, message);
            throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, message);
        }
        try {
            List<Map<String, Object>> outputs = codec.decode(answer, rows.size(), allocator);
            List<RowOutcome> outcomes = new ArrayList<>(outputs.size());
            outputs.forEach(output -> outcomes.add(RowOutcome.success(output)));
            return outcomes;
        } catch (IOException | RuntimeException e) {
            return failAll(rows.size(), "the worker's answer cannot be read: " + e.getMessage());
        }
    }

    private static List<RowOutcome> failAll(int count, String message) {
        RowOutcome failure = RowOutcome.failure(PythonErrorCode.PREDICT_FAILED, message, null);
        List<RowOutcome> outcomes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            outcomes.add(failure);
        }
        return outcomes;
    }

    /** The workers' state as the supervisor knows it, without calling them. */
    public Health health() {
        if (closed) {
            return new Health(State.CLOSED, 0, slots.size(), restartCount.get(), lastFailure);
        }
        int ready = 0;
        for (Slot slot : slots) {
            WorkerProcess worker = slot.readyWorker();
            if (worker != null && worker.isAlive()) {
                ready++;
            }
        }
        State state = ready == slots.size() ? State.SERVING : ready == 0 ? State.UNAVAILABLE : State.DEGRADED;
        return new Health(state, ready, slots.size(), restartCount.get(), lastFailure);
    }

    /** The process ids of the current workers (for tests and diagnostics). */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (Slot slot : slots) {
            WorkerProcess worker;
            synchronized (slot) {
                worker = slot.worker;
            }
            if (worker != null && worker.isAlive()) {
                pids.add(worker.pid());
            }
        }
        return pids;
    }

    /** Stops every worker: stdin closed, SIGTERM, SIGKILL after a grace; removes their sockets. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        restarts.shutdownNow();
        for (Slot slot : slots) {
            WorkerProcess worker;
            synchronized (slot) {
                worker = slot.worker;
                slot.restarting = true;
            }
            if (worker != null) {
                worker.stop(STOP_GRACE);
            }
        }
        OPEN.remove(this);
        allocator.close();
        LOG.info("[{}] closed", label);
    }

    private WorkerProcess launch(Slot slot) {
        Path socket = socketDirectory.resolve("w-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".sock");
        return WorkerProcess.start(home, env, settings, label + "#" + slot.index, socket, validate);
    }

    /** A worker that dies on its own (a crash, the OOM killer) is restarted too, not only one a call found dead. */
    private void watch(Slot slot, WorkerProcess worker) {
        worker.onExit().thenRun(() -> {
            if (!closed) {
                failed(slot, worker, label + "#" + slot.index + ": the worker exited" + worker.stderrSuffix());
            }
        });
    }

    private void failed(Slot slot, WorkerProcess worker, String message) {
        synchronized (slot) {
            if (closed || slot.worker != worker || slot.restarting) {
                return;
            }
            slot.restarting = true;
            lastFailure = message;
        }
        LOG.warn("{}", message);
        worker.kill();
        worker.removeSocket();
        scheduleRestart(slot);
    }

    private void scheduleRestart(Slot slot) {
        long delay;
        synchronized (slot) {
            delay = Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(slot.failures, 6));
            slot.failures++;
        }
        if (closed) {
            return;
        }
        LOG.info("[{}#{}] restarting the worker in {} s", label, slot.index, delay);
        try {
            restarts.schedule(() -> restart(slot), delay, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void restart(Slot slot) {
        if (closed) {
            return;
        }
        WorkerProcess worker = null;
        try {
            worker = launch(slot);
            worker.awaitReady(settings.workerStartTimeout());
        } catch (RuntimeException e) {
            lastFailure = e.getMessage();
            LOG.warn("[{}#{}] restart failed: {}", label, slot.index, e.getMessage());
            if (worker != null) {
                worker.kill();
                worker.removeSocket();
            }
            scheduleRestart(slot);
            return;
        }
        synchronized (slot) {
            if (closed) {
                worker.stop(STOP_GRACE);
                return;
            }
            slot.worker = worker;
            slot.restarting = false;
            slot.failures = 0;
        }
        restartCount.incrementAndGet();
        watch(slot, worker);
        LOG.info("[{}#{}] worker restarted, pid {}", label, slot.index, worker.pid());
    }

    /** The configured socket folder, or a private 0700 folder under java.io.tmpdir when its paths would be too long. */
    private static Path socketDirectory(Path configured) {
        Path directory = configured.toAbsolutePath().normalize();
        String longest = directory.resolve("w-0123456789abcdef.sock").toString();
        if (longest.getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES) {
            try {
                Files.createDirectories(directory);
                return directory;
            } catch (IOException e) {
                throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, "cannot create the worker socket folder " + directory
                        + ": " + e.getMessage(), "sockets", e);
            }
        }
        synchronized (PythonModel.class) {
            if (privateSocketDirectory == null) {
                try {
                    privateSocketDirectory = Files.createTempDirectory("carrara-sockets-",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (IOException e) {
                    throw new CarraraException(PythonErrorCode.WORKER_UNAVAILABLE, "cannot create a private socket folder under "
                            + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), "sockets", e);
                }
                LOG.info("worker socket paths under {} would pass the 107 bytes a Unix socket path may hold; using {} instead",
                        directory, privateSocketDirectory);
            }
            return privateSocketDirectory;
        }
    }

    /** Kills the workers of models never closed when the JVM exits (their stdin closes too, but not before a hang ends). */
    private static void registerShutdownHook() {
        if (HOOK.compareAndSet(0, 1)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (PythonModel model : OPEN) {
                    for (Slot slot : model.slots) {
                        WorkerProcess worker = slot.worker;
                        if (worker != null) {
                            worker.kill();
                            worker.removeSocket();
                        }
                    }
                }
            }, "carrara-python-shutdown"));
        }
    }
}
