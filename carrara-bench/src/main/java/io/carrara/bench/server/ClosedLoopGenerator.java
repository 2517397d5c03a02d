package io.carrara.bench.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load for maximum throughput: {@code concurrency} requests in flight, each sent the
 * moment the one before it in its chain is answered. Latency is from the send (in a closed loop
 * the client waits with the server, so it shows service time, not what users at a fixed arrival
 * rate would see). A chain whose request failed waits a millisecond before its next one, so a
 * failing server is not hammered in a tight loop.
 */
final class ClosedLoopGenerator {
    private static final long PAUSE_AFTER_ERROR_MICROS = 1_000;

    private final LoadTarget target;
    private final int concurrency;

    ClosedLoopGenerator(LoadTarget target, int concurrency) {
        this.target = requireNonNull(target, "target is null");
        if (concurrency <= 0) {
            throw new IllegalArgumentException("concurrency must be positive: " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /** Runs warm-up then the measured window, then waits up to {@code drain}; {@code atMeasureStart} must not block. */
    LoadResult run(Duration warmup, Duration measure, Duration drain, Runnable atMeasureStart) {
        long measureNanos = measure.toNanos();
        if (measureNanos <= 0) {
            throw new IllegalArgumentException("the measured window must be positive: " + measure);
        }
        Recorder latency = new Recorder(3);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        LongAdder answeredInWindow = new LongAdder();
        LongAdder measuredRequests = new LongAdder();
        AtomicLong inFlight = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        AtomicBoolean stopped = new AtomicBoolean();
        long windowStart = System.nanoTime() + warmup.toNanos();
        long windowEnd = windowStart + measureNanos;
        ScheduledExecutorService pauses = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "closed-loop-pause");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Runnable[] chain = new Runnable[1];
            chain[0] = () -> {
                if (stopped.get()) {
                    return;
                }
                long sent = System.nanoTime();
                boolean measured = sent >= windowStart && sent < windowEnd;
                if (measured) {
                    measuredRequests.increment();
                }
                inFlight.incrementAndGet();
                target.send(sequence.getAndIncrement(), error -> {
                    long done = System.nanoTime();
                    inFlight.decrementAndGet();
                    if (error == null) {
                        if (done >= windowStart && done < windowEnd) {
                            answeredInWindow.increment();
                        }
                        if (measured) {
                            latency.recordValue(OpenLoopGenerator.micros(done - sent));
                        }
                        chain[0].run();
                    } else {
                        if (measured) {
                            errors.computeIfAbsent(error, kind -> new LongAdder()).increment();
                        }
                        if (!stopped.get()) {
                            try {
                                pauses.schedule(chain[0], PAUSE_AFTER_ERROR_MICROS, TimeUnit.MICROSECONDS);
                            } catch (RejectedExecutionException e) {
                                // The run ended between the check and the schedule: nothing more to send.
                            }
                        }
                    }
                });
            };
            for (int i = 0; i < concurrency; i++) {
                chain[0].run();
            }
            sleepUntil(windowStart);
            atMeasureStart.run();
            sleepUntil(windowEnd);
            stopped.set(true);
            long unanswered = OpenLoopGenerator.awaitAnswers(inFlight, drain);
            return new LoadResult(target.label(), measureNanos, measuredRequests.sum(), latency.getIntervalHistogram(), null, null,
                    answeredInWindow.sum(),
                    errors.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().sum())),
                    unanswered);
        } finally {
            stopped.set(true);
            pauses.shutdownNow();
        }
    }

    private static void sleepUntil(long nanoTime) {
        long now;
        while ((now = System.nanoTime()) < nanoTime) {
            LockSupport.parkNanos(nanoTime - now);
        }
    }
}
