package io.carrara.serving.log;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction log's queue and writer thread. {@link #offer} never blocks and never throws: when
 * the queue is full the prediction is dropped and counted, so a slow database costs log entries,
 * never latency. The writer takes up to {@code batchSize} entries at a time and hands them to the
 * {@link PredictionSink}; a failing sink loses that batch (counted as dropped, logged) and the
 * writer goes on with the next. Once it has a prediction, the writer waits up to {@code linger} for
 * more before it writes (less when the batch fills up first), so that a steady stream is written in
 * batches rather than a transaction per prediction; a quiet server's predictions reach the sink
 * within {@code linger}.
 *
 * <pre>{@code
 * PredictionLog log = new PredictionLog(sink, 10_000, 500, Duration.ofMillis(100), (deployment, n) -> drops.increment(n));
 * if (!log.offer(prediction)) { ... }   // dropped, already counted
 * log.close();                          // writes what is queued, then stops
 * }</pre>
 */
public final class PredictionLog implements AutoCloseable {
    /** Told of every prediction lost, by deployment: a full queue or a failed write. */
    @FunctionalInterface
    public interface DropListener {
        void dropped(String deployment, long count);
    }

    private static final Logger LOG = LoggerFactory.getLogger(PredictionLog.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** How soon the idle writer notices {@link #close}. */
    private static final long POLL_MILLIS = 100;
    /** How often a lingering writer looks whether its batch is full. */
    private static final long LINGER_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final PredictionSink sink;
    private final int batchSize;
    private final long lingerNanos;
    private final DropListener dropListener;
    private final BlockingQueue<LoggedPrediction> queue;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    /** @param linger how long the writer waits for a batch to fill once it holds a prediction; zero for no wait */
    public PredictionLog(PredictionSink sink, int capacity, int batchSize, Duration linger, DropListener dropListener) {
        this.sink = requireNonNull(sink, "sink is null");
        if (requireNonNull(linger, "linger is null").isNegative()) {
            throw new IllegalArgumentException("linger is negative: " + linger);
        }
        this.lingerNanos = linger.toNanos();
        this.dropListener = requireNonNull(dropListener, "dropListener is null");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity is not positive: " + capacity);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize is not positive: " + batchSize);
        }
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::run, "prediction-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues a prediction; false (and counted) when the queue is full or the log is closed. */
    public boolean offer(LoggedPrediction prediction) {
        if (!closing && queue.offer(prediction)) {
            return true;
        }
        drop(prediction.deployment(), 1);
        return false;
    }

    /** Predictions handed to the sink successfully. */
    public long written() {
        return written.get();
    }

    /** Predictions lost: queue full, log closed, or the sink failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Predictions waiting to be written. */
    public int queued() {
        return queue.size();
    }

    /** Stops accepting predictions, writes those queued (for up to 10 seconds) and stops the writer. */
    @Override
    public void close() {
        // No interrupt: it would close a sink's interruptible file channel mid-write.
        closing = true;
        try {
            writer.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<LoggedPrediction> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(prediction -> drop(prediction.deployment(), 1));
        if (!left.isEmpty()) {
            LOG.warn("prediction log closed with {} predictions not written", left.size());
        }
    }

    private void run() {
        List<LoggedPrediction> batch = new ArrayList<>(batchSize);
        while (true) {
            if (!closing) {
                LoggedPrediction first;
                try {
                    first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                try {
                    linger(batch);
                } catch (InterruptedException e) {
                    write(batch); // what it holds is written, not lost, before the writer stops
                    return;
                }
            }
            queue.drainTo(batch, batchSize - batch.size());
            if (batch.isEmpty()) {
                if (closing) {
                    return;
                }
                continue;
            }
            write(batch);
            batch.clear();
        }
    }

    /**
     * Takes what arrives for up to the linger time, in steps (sleeping rather than waiting on the queue, so
     * that offering a prediction wakes no thread), until the batch is full or the log closes.
     */
    private void linger(List<LoggedPrediction> batch) throws InterruptedException {
        long deadline = System.nanoTime() + lingerNanos;
        while (true) {
            queue.drainTo(batch, batchSize - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= batchSize || left <= 0 || closing) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, LINGER_STEP_NANOS));
        }
    }

    private void write(List<LoggedPrediction> batch) {
        try {
            sink.write(List.copyOf(batch));
            written.addAndGet(batch.size());
        } catch (Exception | LinkageError e) {
            LOG.warn("could not write {} predictions to the prediction log; they are dropped", batch.size(), e);
            java.util.Map<String, Long> byDeployment = new java.util.HashMap<>();
            batch.forEach(prediction -> byDeployment.merge(prediction.deployment(), 1L, Long::sum));
            byDeployment.forEach(this::drop);
        }
    }

    private void drop(String deployment, long count) {
        dropped.addAndGet(count);
        try {
            dropListener.dropped(deployment, count);
        } catch (RuntimeException e) {
            LOG.warn("drop listener failed", e);
        }
    }
}
